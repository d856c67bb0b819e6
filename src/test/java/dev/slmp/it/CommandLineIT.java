package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar run as a user would: a node started with {@code java -jar} (its port set through the
 * environment, over the {@code -conf} value), the tool commands, and the Java client sending to it.
 */
class CommandLineIT {
  @TempDir static Path work;
  static Path data;
  static int port;
  static JarProcess node;

  @BeforeAll
  static void startNode() throws Exception {
    data = work.resolve("node-data");
    port = TestNode.freePort();
    // -conf says port 1 (privileged, would fail); SLMP_PORT wins over it.
    node =
        JarProcess.startNode(
            work,
            Map.of("SLMP_PORT", Integer.toString(port)),
            port,
            "-conf",
            "{\"host\":\"127.0.0.1\",\"port\":1,\"dataDir\":\"" + data + "\"}");
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  private static String[] send(String device, String key, String... more) {
    String[] base = {
      "send",
      "--host",
      "127.0.0.1",
      "--port",
      Integer.toString(port),
      "--server-key",
      data.resolve("server-x25519.pub").toString(),
      "--device",
      device,
      "--device-key",
      key
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void keysPrintsEachStaticKey() throws Exception {
    JarProcess.Result r = JarProcess.run(work, Map.of(), "keys", "--data", data.toString());
    assertEquals(0, r.code(), r.output());
    String[] lines = r.output().strip().split("\n");
    assertEquals(2, lines.length, r.output());
    for (String line : lines) {
      assertTrue(
          line.matches(
              "group=(P-256|X25519) key_id=[0-9a-f]{8} public=([0-9a-f]{130}|[0-9a-f]{64})"),
          line);
      String pub = line.substring(line.indexOf("public=") + 7);
      assertTrue(
          line.contains("key_id=" + Bytes.hex(KeySchedule.keyId(Bytes.unhex(pub)))),
          "key_id is H(pub)[0:4]");
    }
  }

  @Test
  void derivedDeviceSendsHelloAndTheNodePrintsIt() throws Exception {
    JarProcess.Result key =
        JarProcess.run(work, Map.of(), "device", "key", "user1", "--data", data.toString());
    assertEquals(0, key.code(), key.output());
    String hex = key.output().strip();
    assertTrue(hex.matches("[0-9a-f]{64}"), hex);
    byte[] master = Bytes.unhex(Files.readString(data.resolve("master.secret")).strip());
    assertEquals(
        Bytes.hex(KeySchedule.deviceKey(master, "user1".getBytes(StandardCharsets.UTF_8))), hex);

    JarProcess.Result sent =
        JarProcess.run(work, Map.of(), send("user1", hex, "--ack", "Hello", "SLMP!"));
    assertEquals(0, sent.code(), sent.output());
    assertTrue(sent.output().contains("ACCEPTED"), sent.output());
    node.await("Authenticated message from user1: Hello SLMP!");
    assertTrue(Files.readString(data.resolve("inbox.jsonl")).contains("\"device\":\"user1\""));
  }

  /**
   * Verifies the device key can stay off the command line: from {@code SLMP_DEVICE_KEY}, and that a
   * bad one there is a usage error (exit 2) that does not show it.
   */
  @Test
  void deviceKeyFromTheEnvironment() throws Exception {
    String hex =
        JarProcess.run(work, Map.of(), "device", "key", "env-device", "--data", data.toString())
            .output()
            .strip();
    String[] args = {
      "send",
      "--port",
      Integer.toString(port),
      "--server-key",
      data.resolve("server-x25519.pub").toString(),
      "--device",
      "env-device",
      "--ack",
      "from",
      "env"
    };
    JarProcess.Result sent = JarProcess.run(work, Map.of("SLMP_DEVICE_KEY", hex), args);
    assertEquals(0, sent.code(), sent.output());
    assertTrue(sent.output().contains("ack seq=1 ACCEPTED"), sent.output());
    node.await("Authenticated message from env-device: from env");

    JarProcess.Result bad = JarProcess.run(work, Map.of("SLMP_DEVICE_KEY", "c0ffee42"), args);
    assertEquals(2, bad.code(), bad.output());
    assertTrue(
        bad.output().contains("error: $SLMP_DEVICE_KEY must be 64 hex digits"), bad.output());
    assertTrue(!bad.output().contains("c0ffee42"), bad.output());
  }

  /** Verifies the jar answers --help and --version without starting a node. */
  @Test
  void helpAndVersionFromTheJar() throws Exception {
    JarProcess.Result help = JarProcess.run(work, Map.of(), "--help");
    assertEquals(0, help.code(), help.output());
    assertTrue(help.output().startsWith("Usage: java -jar slmp-fat.jar [-hV] COMMAND"));
    JarProcess.Result version = JarProcess.run(work, Map.of(), "--version");
    assertEquals(0, version.code(), version.output());
    assertTrue(
        version.output().startsWith("SLMP " + System.getProperty("slmp.version") + "\n"),
        version.output());
    assertTrue(version.output().matches("(?s)SLMP \\d+\\.\\d+\\.\\d+.*"), version.output());
  }

  @Test
  void registeredThenRevokedDevice() throws Exception {
    JarProcess.Result added =
        JarProcess.run(work, Map.of(), "device", "add", "meter-7", "--data", data.toString());
    assertEquals(0, added.code(), added.output());
    String key = added.output().strip();
    assertTrue(key.matches("[0-9a-f]{64}"), key);
    assertEquals(
        0, JarProcess.run(work, Map.of(), send("meter-7", key, "--ack", "reading")).code());

    assertEquals(
        0,
        JarProcess.run(work, Map.of(), "device", "revoke", "meter-7", "--data", data.toString())
            .code());
    // The running node re-reads the registry within a second: until then the device may still be
    // served.
    AtomicReference<JarProcess.Result> last = new AtomicReference<>();
    Eventually.until(
        () -> {
          last.set(run(send("meter-7", key, "--ack", "reading")));
          return last.get().code() != 0;
        },
        Duration.ofSeconds(30),
        () -> "the revoked device refused; last: " + last.get().output());
    JarProcess.Result refused = last.get();
    assertEquals(105, refused.code(), "100 + AUTH_FAILED: " + refused.output());
    assertTrue(refused.output().contains("error:"), refused.output());
    assertTrue(!refused.output().contains(key), "the device key is never printed");
  }

  @Test
  void wrongDeviceKeyExitsWithTheCloseCode() throws Exception {
    JarProcess.Result r = JarProcess.run(work, Map.of(), send("user2", "00".repeat(32), "hi"));
    assertEquals(105, r.code(), r.output());
  }

  @Test
  void badConfigurationStopsTheStartNamingTheKey() throws Exception {
    JarProcess.Result r =
        JarProcess.run(
            work,
            Map.of(),
            "-conf",
            "{\"port\": \"abc\", \"dataDir\": \"" + work.resolve("bad") + "\"}");
    assertTrue(r.code() != 0, r.output());
    assertTrue(r.output().contains("'port'"), r.output());
    JarProcess.Result env =
        JarProcess.run(
            work,
            Map.of("SLMP_LIMITS_MAX_CONNECTIONS", "many"),
            "-conf",
            "{\"dataDir\": \"" + work.resolve("bad2") + "\"}");
    assertTrue(env.code() != 0, env.output());
    assertTrue(env.output().contains("limits.maxConnections"), env.output());
  }

  /** Verifies that a clustered node without cluster.expectedSize exits non-zero, naming the key. */
  @Test
  void clusterWithoutExpectedSizeExitsNamingTheKey() throws Exception {
    // GIVEN -cluster and no cluster.expectedSize
    // WHEN the node starts
    // THEN it exits non-zero before joining, with a message naming the key
    JarProcess.Result r =
        JarProcess.run(
            work, Map.of(), "-cluster", "-conf", "{\"dataDir\": \"" + work.resolve("c") + "\"}");
    assertTrue(r.code() != 0, r.output());
    assertTrue(r.output().contains("'cluster.expectedSize'"), r.output());
  }

  /**
   * Verifies that a clustered node without its event-bus certificate exits, saying how to make one.
   */
  @Test
  void clusterWithoutCertificateExitsSayingHowToCreateOne() throws Exception {
    // GIVEN -cluster, the expected size, and a data directory without a node certificate
    // WHEN the node starts
    // THEN it exits non-zero before joining, naming the missing file and the command
    JarProcess.Result r =
        JarProcess.run(
            work,
            Map.of(),
            "-cluster",
            "-conf",
            "{\"dataDir\": \""
                + work.resolve("nocert")
                + "\", \"cluster\": {\"expectedSize\": 3}}");
    assertTrue(r.code() != 0, r.output());
    assertTrue(r.output().contains("cluster-node.key"), r.output());
    assertTrue(r.output().contains("cluster add-node"), r.output());
  }

  private JarProcess.Result run(String... args) {
    try {
      return JarProcess.run(work, Map.of(), args);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
