package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slmp.testkit.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with an independent SLMP/1 device: {@code scripts/slmp1_client.py}, written in
 * Python from the spec text alone (and checked against the shared vectors by {@code
 * scripts/slmp1_client_selftest.py}), talks to the fat jar's node over TCP in every suite: full
 * handshake with ACKs, resumption with 0-RTT early data, and a replayed first flight that the node
 * must refuse with CLOSE(REPLAY) without delivering its early data again.
 */
class IndependentClientIT {
  private static final String DEVICE = "py-device-7";

  @TempDir static Path work;
  static Path data;
  static int port;
  static JarProcess node;
  static String python;
  static String p256Key;
  static String x25519Key;
  static String deviceKey;

  @BeforeAll
  static void startNode() throws Exception {
    python = PythonRuntime.find();
    data = work.resolve("node-data");
    port = TestNode.freePort();
    node =
        JarProcess.startNode(
            work,
            Map.of(),
            port,
            "-conf",
            "{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"dataDir\":\"" + data + "\"}");

    JarProcess.Result keys = JarProcess.run(work, Map.of(), "keys", "--data", data.toString());
    assertEquals(0, keys.code(), keys.output());
    for (String line : keys.output().strip().split("\n")) {
      String pub = line.substring(line.indexOf("public=") + 7).strip();
      if (line.startsWith("group=P-256 ")) {
        p256Key = pub;
      } else if (line.startsWith("group=X25519 ")) {
        x25519Key = pub;
      }
    }
    assertNotNull(p256Key, keys.output());
    assertNotNull(x25519Key, keys.output());

    JarProcess.Result key =
        JarProcess.run(work, Map.of(), "device", "key", DEVICE, "--data", data.toString());
    assertEquals(0, key.code(), key.output());
    deviceKey = key.output().strip();
    assertTrue(deviceKey.matches("[0-9a-f]{64}"), deviceKey);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  /**
   * The first interpreter that has the {@code cryptography} package; fails (never skips) without
   * one.
   */
  private record Run(int code, String output) {
    String firstLine() {
      return output.strip().split("\n", 2)[0];
    }
  }

  private static Run python(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in scripts/
    Path out = Files.createTempFile(work, "py", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + cmd + "\n" + Files.readString(out, StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  private static Run client(int suite, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                Path.of("scripts", "slmp1_client.py").toAbsolutePath().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--server-key",
                suite == 3 ? x25519Key : p256Key,
                "--device",
                DEVICE,
                "--device-key",
                deviceKey,
                "--suite",
                Integer.toString(suite)));
    args.addAll(List.of(more));
    return python(args.toArray(String[]::new));
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void selftestReproducesTheVectors() throws Exception {
    String vectors = System.getProperty("slmp.shared.dir") + "/vectors";
    Run r =
        python(Path.of("scripts", "slmp1_client_selftest.py").toAbsolutePath().toString(), vectors);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains(" 0 failures"), r.output());
    for (String nn : List.of("01", "02", "03")) {
      assertTrue(
          r.output().contains("suite" + nn + ": full handshake, data/ack, resumption"), r.output());
    }
  }

  @Test
  void suite1() throws Exception {
    interoperates(1);
  }

  @Test
  void suite2() throws Exception {
    interoperates(2);
  }

  @Test
  void suite3() throws Exception {
    interoperates(3);
  }

  private void interoperates(int suite) throws Exception {
    // Full handshake, two DATA behind AUTH, both acknowledged.
    String first = "independent full handshake suite " + suite;
    String second = "second message suite " + suite;
    Run full = client(suite, "--topic", "it/py", "--ack", first, second);
    assertEquals(0, full.code(), full.output());
    assertEquals("full handshake", full.firstLine(), full.output());
    assertTrue(full.output().contains("ack seq=1 ACCEPTED"), full.output());
    assertTrue(full.output().contains("ack seq=2 ACCEPTED"), full.output());
    node.await("Authenticated message from " + DEVICE + ": " + first);
    node.await("Authenticated message from " + DEVICE + ": " + second);

    // A session kept in a file, then resumed with the message as 0-RTT early data.
    Path state = work.resolve("session-" + suite + ".json");
    String kept = "session kept suite " + suite;
    Run keep = client(suite, "--ack", "--state", state.toString(), kept);
    assertEquals(0, keep.code(), keep.output());
    assertEquals("full handshake", keep.firstLine(), keep.output());
    assertTrue(keep.output().contains("ACCEPTED"), keep.output());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    node.await("Authenticated message from " + DEVICE + ": " + kept);

    String early = "early data suite " + suite;
    Run resumed = client(suite, "--ack", "--state", state.toString(), early);
    assertEquals(0, resumed.code(), resumed.output());
    assertEquals("resumed", resumed.firstLine(), resumed.output());
    assertTrue(resumed.output().contains("ack seq=1 ACCEPTED early"), resumed.output());
    node.await("Authenticated message from " + DEVICE + ": " + early);

    // Resume again, then replay that exact first flight (RESUME + EARLY DATA): CLOSE(REPLAY),
    // and the replayed early data is not delivered a second time.
    String replayed = "replayed early data suite " + suite;
    Run replay =
        client(
            suite,
            "--ack",
            "--state",
            state.toString(),
            "--replay-resume-to",
            "127.0.0.1:" + port,
            replayed);
    assertEquals(0, replay.code(), replay.output());
    assertEquals("resumed", replay.firstLine(), replay.output());
    assertTrue(replay.output().contains("ack seq=1 ACCEPTED early"), replay.output());
    assertTrue(replay.output().contains("replayed: CLOSE code=7"), replay.output());
    String line = "Authenticated message from " + DEVICE + ": " + replayed;
    node.await(line);

    // Without --ack: the DATA still arrives. Printed after the replay was refused, it also proves
    // that the node has
    // printed whatever the replay delivered: the replayed early data, once only.
    String noAck = "no ack requested suite " + suite;
    Run plain = client(suite, noAck);
    assertEquals(0, plain.code(), plain.output());
    node.await("Authenticated message from " + DEVICE + ": " + noAck);
    assertEquals(1, count(node.output(), line), node.output());
  }

  @Test
  void wrongDeviceKeyIsRefusedWithAuthFailed() throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                Path.of("scripts", "slmp1_client.py").toAbsolutePath().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--server-key",
                x25519Key,
                "--device",
                DEVICE,
                "--device-key",
                "11".repeat(32),
                "--suite",
                "3",
                "--ack",
                "must not arrive"));
    Run r = python(args.toArray(String[]::new));
    assertEquals(105, r.code(), "100 + AUTH_FAILED: " + r.output());
    assertTrue(r.output().contains("closed: code=5"), r.output());
    assertTrue(!node.output().contains("must not arrive"), node.output());
  }
}
