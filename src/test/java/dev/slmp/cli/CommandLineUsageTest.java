package dev.slmp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.testkit.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line itself, without a server: {@code --help} and {@code --version} on every command
 * and subcommand, and every bad input of {@code send} refused with exit 2 (a usage error naming the
 * option, never repeating a secret) or 1 (a key file that cannot be read or holds no key) before
 * anything is sent.
 */
class CommandLineUsageTest {
  private static final String KEY = "ab".repeat(32);
  private static final String SERVER_KEY =
      Bytes.hex(DhGroup.x25519().publicKey(DhGroup.x25519().generatePrivate(new SecureRandom())));

  @TempDir Path dir;

  /** Every command path, e.g. [send], [device, key], [bench, hot]; hidden ones too. */
  private static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());
    collect(SlmpMain.commandLine(sink, sink), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> paths) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) {
        continue; // an alias
      }
      List<String> p = new ArrayList<>(path);
      p.add(e.getKey());
      paths.add(p);
      collect(e.getValue(), p, paths);
    }
  }

  /** Verifies --help works on the root and on every command and subcommand, on stdout, exit 0. */
  @Test
  void helpOnEveryCommand() {
    List<List<String>> paths = commandPaths();
    assertTrue(
        paths.containsAll(
            List.of(
                List.of("keys"),
                List.of("device", "key"),
                List.of("device", "list"),
                List.of("send"),
                List.of("cluster", "add-node"),
                List.of("bench"),
                List.of("bench", "server"))),
        paths.toString());
    paths.add(List.of());
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun r = CliRun.of(args);
      assertEquals(0, r.code(), args.toString());
      String name = String.join(" ", path);
      assertTrue(r.out().contains("Usage: java -jar slmp-fat.jar " + name), args + ": " + r.out());
      assertEquals("", r.err(), args.toString());
    }
    CliRun send = CliRun.of(List.of("send", "-h"));
    for (String line :
        List.of(
            "Exit codes:", "  3 ", "  4 ", "  100+code ", "  1 ", "  2 ", "--device-key-file")) {
      assertTrue(send.out().contains(line), line + " in " + send.out());
    }
    assertTrue(CliRun.of(List.of("help", "send")).out().contains("--linger=SECONDS"));
  }

  /** Verifies --version prints the project version, on the root and on a command. */
  @Test
  void version() {
    for (List<String> args : List.of(List.of("--version"), List.of("send", "-V"))) {
      CliRun r = CliRun.of(args);
      assertEquals(0, r.code());
      assertTrue(r.out().matches("(?s)SLMP \\d+\\.\\d+\\.\\d+[^\n]*\nJava .*"), r.out());
      assertEquals("SLMP " + SlmpVersion.version(), r.lines().get(0));
    }
  }

  private CliRun send(String... more) {
    List<String> args = new ArrayList<>(List.of("send", "--port", "1", "--device", "d"));
    args.addAll(List.of(more));
    return CliRun.of(args);
  }

  private static void usageError(CliRun r, String error) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("error: " + error), r.err());
    assertTrue(r.err().contains("usage: java -jar slmp-fat.jar send"), r.err());
    assertEquals("", r.out());
  }

  /** Verifies each bad option of send is a usage error (exit 2) that names the option. */
  @Test
  void sendUsageErrors() {
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY, "--bogus", "m"),
        "unknown option --bogus");
    usageError(
        send("--server-key", SERVER_KEY, "--devce-key=" + KEY, "m"),
        "unknown option --devce-key\n");
    usageError(
        CliRun.of(List.of("send", "--device-key", KEY, "m")),
        "missing required option --server-key and --device");
    usageError(send("--device-key", KEY, "m"), "missing required option --server-key");
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY),
        "Missing required parameter: 'MESSAGE'");
    usageError(
        CliRun.of(
            List.of(
                "send",
                "--device",
                "d",
                "--server-key",
                SERVER_KEY,
                "--device-key",
                KEY,
                "m",
                "--port")),
        "Missing required parameter for option '--port'");
    usageError(
        CliRun.of(
            List.of(
                "send",
                "--device",
                "d",
                "--server-key",
                SERVER_KEY,
                "--device-key",
                KEY,
                "--port",
                "x",
                "m")),
        "Invalid value for option '--port'");
    usageError(
        CliRun.of(
            List.of(
                "send",
                "--device",
                "d",
                "--server-key",
                SERVER_KEY,
                "--device-key",
                KEY,
                "--port",
                "70000",
                "m")),
        "--port must be a number from 1 to 65535");
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY, "--suite", "9", "m"),
        "--suite must be 1, 2 or 3");
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY, "--suite", "1", "m"),
        "--suite 1 (P-256) does not match the X25519 server key");
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY, "--linger", "-1", "m"),
        "--linger must be a number of seconds");
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY, "--topic", "t".repeat(256), "m"),
        "--topic must be at most 255 UTF-8 bytes");
    usageError(
        CliRun.of(
            List.of(
                "send",
                "--port",
                "1",
                "--device",
                "d".repeat(65),
                "--server-key",
                SERVER_KEY,
                "--device-key",
                KEY,
                "m")),
        "--device must be 1 to 64 UTF-8 bytes");
  }

  /**
   * Verifies the device key: bad hex is a usage error that never shows the value; a missing key
   * names the three ways to give it; both options at once are refused.
   */
  @Test
  void deviceKeyUsageErrors() throws Exception {
    String secretish = "c0ffee".repeat(10);
    CliRun bad = send("--server-key", SERVER_KEY, "--device-key", secretish, "m");
    usageError(bad, "--device-key must be 64 hex digits (32 bytes)");
    assertFalse(bad.err().contains("c0ffee"), bad.err());
    CliRun badEq = send("--server-key", SERVER_KEY, "--device-key=" + secretish + "zz", "m");
    usageError(badEq, "--device-key must be 64 hex digits");
    assertFalse(badEq.err().contains("c0ffee"), badEq.err());
    if (System.getenv(Secrets.DEVICE_KEY_ENV) == null) {
      usageError(
          send("--server-key", SERVER_KEY, "m"),
          "missing the device key: --device-key-file FILE, $SLMP_DEVICE_KEY or --device-key HEX");
    }
    Path file = Files.writeString(dir.resolve("device.key"), KEY + "\n");
    usageError(
        send(
            "--server-key",
            SERVER_KEY,
            "--device-key",
            KEY,
            "--device-key-file",
            file.toString(),
            "m"),
        "give --device-key or --device-key-file, not both");
  }

  /**
   * Verifies a key file that is missing, unreadable (a directory) or holds no key ends the command
   * with exit 1 and an error naming the file and never its content; a good one gets as far as
   * connecting (exit 1: nothing listens on port 1).
   */
  @Test
  void deviceKeyFileErrors() throws Exception {
    Path missing = dir.resolve("nope.key");
    CliRun r = send("--server-key", SERVER_KEY, "--device-key-file", missing.toString(), "m");
    assertEquals(1, r.code());
    assertEquals("error: --device-key-file " + missing + ": no such file\n", r.err());
    assertEquals("", r.out());

    Path directory = Files.createDirectory(dir.resolve("keys.d"));
    r = send("--server-key", SERVER_KEY, "--device-key-file", directory.toString(), "m");
    assertEquals(1, r.code());
    assertTrue(
        r.err().startsWith("error: --device-key-file " + directory + ": cannot read it ("),
        r.err());

    Path junk = Files.writeString(dir.resolve("junk.key"), "c0ffee".repeat(10) + "\n");
    r = send("--server-key", SERVER_KEY, "--device-key-file", junk.toString(), "m");
    assertEquals(1, r.code());
    assertEquals(
        "error: --device-key-file " + junk + ": does not hold 64 hex digits (32 bytes)\n", r.err());

    Path huge = Files.write(dir.resolve("huge.key"), new byte[5000]);
    r = send("--server-key", SERVER_KEY, "--device-key-file", huge.toString(), "m");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("longer than 4096 bytes"), r.err());

    Path good = Files.writeString(dir.resolve("good.key"), KEY + "\n");
    r = send("--server-key", SERVER_KEY, "--device-key-file", good.toString(), "m");
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: cannot connect to 127.0.0.1:1"), r.err());
  }

  /** Verifies the legacy format's options: --user required, the secret from a file or option. */
  @Test
  void legacyUsageErrors() throws Exception {
    usageError(
        CliRun.of(List.of("send", "--legacy", "--secret", "s", "m")),
        "--user is required with --legacy");
    if (System.getenv(Secrets.LEGACY_SECRET_ENV) == null) {
      usageError(
          CliRun.of(List.of("send", "--legacy", "--user", "u", "m")),
          "missing the secret: --secret-file FILE, $SLMP_LEGACY_SECRET or --secret S");
    }
    Path secret = Files.writeString(dir.resolve("secret"), "hunter2\n");
    usageError(
        CliRun.of(
            List.of(
                "send",
                "--legacy",
                "--user",
                "u",
                "--secret",
                "x",
                "--secret-file",
                secret.toString(),
                "m")),
        "give --secret or --secret-file, not both");
    usageError(
        CliRun.of(List.of("send", "--legacy", "--user", "u", "--secret", "x", "--ack", "m")),
        "--ack is not used with --legacy");
    usageError(
        send("--server-key", SERVER_KEY, "--device-key", KEY, "--user", "u", "m"),
        "--user is only used with --legacy");
    Path missing = dir.resolve("none");
    CliRun r =
        CliRun.of(
            List.of("send", "--legacy", "--user", "u", "--secret-file", missing.toString(), "m"));
    assertEquals(1, r.code());
    assertEquals("error: --secret-file " + missing + ": no such file\n", r.err());
    CliRun down =
        CliRun.of(
            List.of(
                "send",
                "--legacy",
                "--port",
                "1",
                "--user",
                "u",
                "--secret-file",
                secret.toString(),
                "m"));
    assertEquals(1, down.code());
    assertTrue(down.err().startsWith("error: cannot connect to 127.0.0.1:1"), down.err());
    assertFalse(down.err().contains("hunter2"));
  }

  /** Verifies an unknown command, or none, is a usage error naming it. */
  @Test
  void unknownCommand() {
    CliRun r = CliRun.of(List.of("sned"));
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown command sned\n"), r.err());
    CliRun none = CliRun.of(List.of());
    assertEquals(2, none.code());
    assertTrue(none.err().startsWith("error: no COMMAND given\n"), none.err());
    assertTrue(SlmpMain.isTool("sned"));
    assertTrue(SlmpMain.isTool("--version"));
    assertFalse(SlmpMain.isTool("-conf"));
    assertFalse(SlmpMain.isTool("-cluster"));
  }
}
