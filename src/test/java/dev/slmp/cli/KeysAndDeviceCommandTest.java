package dev.slmp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Bytes;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.KeySchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys} and {@code device}, run in-process through {@link SlmpMain#run}. */
class KeysAndDeviceCommandTest {
  @TempDir Path tmp;

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = SlmpMain.run(o, e, args);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A data directory created the one way a tool may: {@code keys --init}. */
  private String data() {
    Path d = tmp.resolve("data");
    if (!Files.isDirectory(d)) {
      assertEquals(0, run("keys", "--init", "--data", d.toString()).code());
    }
    return d.toString();
  }

  @Test
  void keysPrintsOneLinePerGroupMatchingTheDataDirectory() throws Exception {
    Result r = run("keys", "--data", data());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    DataDirectory dd = DataDirectory.open(Path.of(data()));
    String[] lines = r.out().split("\n", -1);
    assertEquals(3, lines.length, r.out());
    assertEquals("", lines[2]);
    Pattern p = Pattern.compile("group=(P-256|X25519) key_id=([0-9a-f]{8}) public=([0-9a-f]+)");
    List<String> groups = new ArrayList<>();
    for (String line : Arrays.copyOf(lines, 2)) {
      Matcher m = p.matcher(line);
      assertTrue(m.matches(), line);
      groups.add(m.group(1));
      byte[] pub = Bytes.unhex(m.group(3));
      assertEquals(m.group(2), Bytes.hex(KeySchedule.keyId(pub)));
      var key = m.group(1).equals("P-256") ? dd.p256() : dd.x25519();
      assertArrayEquals(key.publicKey(), pub);
      assertEquals(key.keyIdHex(), m.group(2));
      assertEquals(m.group(1).equals("P-256") ? 130 : 64, m.group(3).length());
    }
    assertEquals(List.of("P-256", "X25519"), groups);
    assertEquals(r.out(), run("keys", "--data=" + data()).out(), "stable across runs");
  }

  @Test
  void keysUsageErrors() {
    Result noValue = run("keys", "--data");
    assertEquals(2, noValue.code());
    assertTrue(
        noValue.err().startsWith("error: Missing required parameter for option '--data'"),
        noValue.err());
    Result extra = run("keys", "extra", "--data", data());
    assertEquals(2, extra.code());
    assertTrue(extra.err().startsWith("error: unexpected argument extra\n"), extra.err());
    Result r = run("keys", "--bogus");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown option --bogus\n"), r.err());
    assertTrue(r.err().contains("usage: java -jar slmp-fat.jar keys [-hV]"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void deviceKeyIsTheMasterSecretDerivation() throws Exception {
    Result r = run("device", "key", "sensor-42", "--data", data());
    assertEquals(0, r.code(), r.err());
    byte[] master = DataDirectory.open(Path.of(data())).masterSecret();
    String expected =
        Bytes.hex(KeySchedule.deviceKey(master, "sensor-42".getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected + "\n", r.out());
    assertEquals("", r.err());
    // --data may come before the id too.
    assertEquals(expected + "\n", run("device", "key", "--data", data(), "sensor-42").out());
  }

  @Test
  void deviceAddRevokeReinstateList() throws Exception {
    Result add = run("device", "add", "pump", "--data", data());
    assertEquals(0, add.code(), add.err());
    assertTrue(add.out().matches("[0-9a-f]{64}\n"), add.out());
    String key = add.out().strip();
    assertEquals(
        key + "\n",
        run("device", "key", "pump", "--data", data()).out(),
        "the registered key wins");
    Result dup = run("device", "add", "pump", "--data", data());
    assertEquals(1, dup.code());
    assertEquals("error: device pump is already registered\n", dup.err());
    assertEquals("", dup.out());

    assertEquals(
        new Result(0, "revoked pump\n", ""), run("device", "revoke", "pump", "--data", data()));
    assertEquals(
        new Result(0, "revoked valve\n", ""), run("device", "revoke", "--data", data(), "valve"));
    run("device", "add", "fan", "--data", data());
    assertEquals(
        new Result(0, "fan registered\npump registered revoked\nvalve revoked\n", ""),
        run("device", "list", "--data", data()));
    assertEquals(
        new Result(0, "reinstated pump\n", ""),
        run("device", "reinstate", "pump", "--data", data()));
    assertEquals(
        "fan registered\npump registered\nvalve revoked\n",
        run("device", "list", "--data", data()).out());
    assertEquals(key, Bytes.hex(DataDirectory.open(Path.of(data())).registry().deviceKey("pump")));
  }

  @Test
  void deviceUsageAndIdErrors() {
    Map<List<String>, String> errors =
        Map.of(
            List.of("device"), "error: Missing required subcommand",
            List.of("device", "frob", "x"), "error: unknown command frob",
            List.of("device", "key"), "error: Missing required parameter: 'ID'",
            List.of("device", "add", "a", "b"), "error: unexpected argument b",
            List.of("device", "list", "x"), "error: unexpected argument x",
            List.of("device", "key", "a", "--data"),
                "error: Missing required parameter for option '--data'");
    errors.forEach(
        (args, error) -> {
          Result r = run(args.toArray(String[]::new));
          assertEquals(2, r.code(), String.join(" ", args));
          assertTrue(r.err().startsWith(error), r.err());
          assertTrue(r.err().contains("usage: java -jar slmp-fat.jar device"), r.err());
          assertEquals("", r.out());
        });
    for (String bad : List.of("", "x".repeat(65))) {
      Result r = run("device", "add", bad, "--data", data());
      assertEquals(1, r.code());
      assertTrue(r.err().startsWith("error: device id must be 1 to 64 UTF-8 bytes"), r.err());
      assertEquals("", r.out());
    }
    assertEquals(0, run("device", "key", "x".repeat(64), "--data", data()).code());
    assertEquals(2, run("nosuchcommand").code());
  }

  @Test
  void onlyKeysInitCreatesADataDirectory() throws Exception {
    Path nested = tmp.resolve("a/b/data");
    Result init = run("keys", "--init", "--data", nested.toString());
    assertEquals(0, init.code(), init.err());
    assertTrue(Files.isRegularFile(nested.resolve(DataDirectory.MASTER_SECRET)));
    assertEquals(
        init.out(),
        run("keys", "--data", nested.toString()).out(),
        "--init again creates nothing new");
    assertEquals(init.out(), run("keys", "--data", nested.toString(), "--init").out());
    assertEquals(0, run("device", "list", "--data", nested.toString()).code());
  }

  @Test
  void aMissingDataDirectoryIsAnErrorNamingItAndNothingIsCreated() {
    Path missing = tmp.resolve("typo/data");
    for (String[] args : commandsOn(missing)) {
      Result r = run(args);
      assertEquals(1, r.code(), String.join(" ", args));
      assertEquals(
          "error: data directory "
              + missing
              + " does not exist: start a node once or run `keys --init`"
              + " to create it\n",
          r.err(),
          String.join(" ", args));
      assertEquals("", r.out());
      assertFalse(
          Files.exists(tmp.resolve("typo")), "nothing created by " + String.join(" ", args));
    }
  }

  @Test
  void aDirectoryWithoutNodeDataIsAnErrorNamingItAndNothingIsCreated() throws Exception {
    Path other = Files.createDirectory(tmp.resolve("home"));
    Files.writeString(other.resolve("notes.txt"), "not a node");
    for (String[] args : commandsOn(other)) {
      Result r = run(args);
      assertEquals(1, r.code(), String.join(" ", args));
      assertTrue(
          r.err().startsWith("error: directory " + other + " does not hold a node's data"),
          r.err());
      assertEquals("", r.out());
      try (var files = Files.list(other)) {
        assertEquals(
            List.of(other.resolve("notes.txt")), files.toList(), "nothing created by " + args[1]);
      }
    }
  }

  private static List<String[]> commandsOn(Path dir) {
    String d = dir.toString();
    return List.of(
        new String[] {"keys", "--data", d},
        new String[] {"device", "list", "--data", d},
        new String[] {"device", "key", "x", "--data", d},
        new String[] {"device", "add", "x", "--data", d},
        new String[] {"device", "revoke", "x", "--data", d},
        new String[] {"device", "reinstate", "x", "--data", d});
  }
}
