package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C device library (src/device-c, issue 16): {@code scripts/build-c.sh} builds it once for the
 * class (gcc, cmake and libmbedtls-dev must be installed: without them this test fails, it never
 * skips); the SLMP/1 vectors run through the AddressSanitizer + UndefinedBehaviorSanitizer build
 * and through the builds with one suite compiled out; then {@code target/c/slmp-send} talks to a
 * real node over TCP on 127.0.0.1 in every suite: full handshake with ACK, a session kept in a
 * state file and resumed with the message as 0-RTT data, and the exit codes of a server key the
 * node does not hold and a wrong device key.
 *
 * <p>A command queued through the node's admin API while the device sleeps is printed by the next
 * run of {@code slmp-send}, before the ACK of its reading, and its receipt is ACCEPTED (issue 14).
 * {@code slmp-fake-server} (test code, suite 3) also drives slmp-send's command path over TCP; the
 * vector tests cover server DATA and the device's ACK byte for byte.
 */
class CDeviceIT {
  private static final String DEVICE = "c-device-7";

  @TempDir static Path work;
  static Path data;
  static int port;
  static int adminPort;
  static JarProcess node;
  static String p256Key;
  static String x25519Key;
  static String deviceKey;

  @BeforeAll
  static void buildAndStartNode() throws Exception {
    Run build = run(Map.of(), 300, "scripts/build-c.sh");
    if (build.code() != 0) {
      fail(
          "scripts/build-c.sh failed (the C tests need gcc, cmake and libmbedtls-dev; .ci/run installs them):\n"
              + build.output());
    }
    data = work.resolve("node-data");
    port = dev.slmp.testkit.TestNode.freePort();
    adminPort = dev.slmp.testkit.TestNode.freePort();
    node =
        JarProcess.start(
            work,
            // the admin API queues commands (the environment wins over -conf)
            Map.of("SLMP_ADMIN_PORT", Integer.toString(adminPort)),
            "-conf",
            "{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"dataDir\":\"" + data + "\"}");
    node.await("listening on 127.0.0.1:" + port);
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
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  private record Run(int code, String output) {}

  private static Run run(Map<String, String> env, int timeoutS, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(work, "c", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(
          "timed out: "
              + String.join(" ", cmd)
              + "\n"
              + Files.readString(out, StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  private static Run send(Map<String, String> env, int suite, String... more) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of("target", "c", "slmp-send").toAbsolutePath().toString(),
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
    cmd.addAll(List.of(more));
    return run(env, 60, cmd.toArray(String[]::new));
  }

  // ---- the vectors
  // --------------------------------------------------------------------------------------

  /** How many cases the C test must report per vector file, counted from the JSON itself. */
  private static Map<String, Integer> expectedCounts() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    Path dir = Path.of(System.getProperty("slmp.shared.dir", "../shared"), "vectors", "slmp1");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonObject doc = new JsonObject(Files.readString(f, StandardCharsets.UTF_8));
        int n;
        switch (doc.getString("scenario")) {
          case "primitives" -> {
            n = 1; // fernet_binary
            for (String k :
                List.of(
                    "labels",
                    "hkdf_expand",
                    "hkdf_extract",
                    "key_id",
                    "device_key",
                    "aead_nonce",
                    "early_keys",
                    "x25519_low_order_points")) {
              n += doc.getJsonArray(k).size();
            }
          }
          case "negative" -> { // the device's cases; the server's run in the Java and Python tests
            JsonArray cases = doc.getJsonArray("cases");
            n =
                (int)
                    cases.stream()
                        .filter(c -> "client".equals(((JsonObject) c).getString("rejected_by")))
                        .count();
          }
          default -> n = 1;
        }
        counts.put(f.getFileName().toString(), n);
      }
    }
    return counts;
  }

  private static void vectorsPass(String buildDir, int compiledOut) throws Exception {
    Path bin = Path.of("target", buildDir);
    Run r =
        run(
            Map.of(),
            120,
            bin.resolve("slmp-vectors").toString(),
            bin.resolve("vectors").toString());
    System.out.println(r.output().strip().replace("[vectors]", "[vectors " + buildDir + "]"));
    assertEquals(0, r.code(), r.output());
    Map<String, Integer> expected = expectedCounts();
    assertEquals(13, expected.size(), expected.toString());
    Matcher m = Pattern.compile("\\[vectors] (\\S+\\.json): (\\d+) cases run").matcher(r.output());
    Map<String, Integer> seen = new HashMap<>();
    while (m.find()) {
      seen.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      boolean out =
          compiledOut > 0 && e.getKey().startsWith(String.format("suite%02d_", compiledOut));
      assertTrue(e.getValue() > 0, e.getKey());
      assertEquals(
          out ? 0 : e.getValue(),
          seen.get(e.getKey()),
          e.getKey() + " in " + buildDir + ":\n" + r.output());
    }
    Matcher flips = Pattern.compile("flipped-bit frames refused: (\\d+)").matcher(r.output());
    assertTrue(flips.find() && Integer.parseInt(flips.group(1)) > 500, r.output());
    assertTrue(r.output().contains(" 0 failures"), r.output());
  }

  @Test
  void vectorsUnderAddressAndUndefinedBehaviorSanitizers() throws Exception {
    vectorsPass("c-asan", 0);
  }

  @Test
  void vectorsWithEachSuiteCompiledOut() throws Exception {
    for (int n = 1; n <= 3; n++) {
      vectorsPass("c-nosuite" + n, n);
    }
  }

  // ---- against a node
  // ---------------------------------------------------------------------------------

  @Test
  void suite1() throws Exception {
    sendsAndResumes(1);
  }

  @Test
  void suite2() throws Exception {
    sendsAndResumes(2);
  }

  @Test
  void suite3() throws Exception {
    sendsAndResumes(3);
  }

  /**
   * The frames of a sleepy session by the spec's formulas: what the Java client sends too (README
   * benchmarks).
   */
  private static int sessionBytes(int suite, boolean resumed, int idLen, int plainLen) {
    int pub = suite == 3 ? 32 : 65;
    java.util.function.BiFunction<Integer, Integer, Integer> sealed =
        (aad, n) -> suite == 1 ? 57 + ((aad + n) / 16 + 1) * 16 : n + 16;
    int data = 9 + sealed.apply(6, 1 + plainLen);
    int ack = 9 + sealed.apply(6, 5);
    int close = 5;
    if (resumed) {
      return 74 + data + 52 + ack + close;
    }
    return (4 + 6 + pub)
        + (4 + pub + 32)
        + (4 + sealed.apply(1, 1 + idLen + 32))
        + data
        + (9 + sealed.apply(6, 9))
        + ack
        + close;
  }

  private void sendsAndResumes(int suite) throws Exception {
    String first = "hello from C suite " + suite;
    Run full = send(Map.of(), suite, "--ack", first);
    assertEquals(0, full.code(), full.output());
    assertTrue(full.output().startsWith("connected: full handshake, suite "), full.output());
    assertTrue(full.output().contains("ack seq=1 ACCEPTED"), full.output());
    node.await("Authenticated message from " + DEVICE + ": " + first);

    // A session kept in a state file, then resumed with the message as 0-RTT early data; bytes on
    // the air counted.
    Path state = work.resolve("c-state-" + suite);
    String payload = "x".repeat(64);
    Map<String, String> stats = Map.of("SLMP_SEND_STATS", "1");
    Run keep = send(stats, suite, "--ack", "--state", state.toString(), payload);
    assertEquals(0, keep.code(), keep.output());
    assertTrue(keep.output().contains("connected: full handshake"), keep.output());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    assertTrue(
        keep.output().contains("stats: full bytes_out=")
            && keep.output()
                .contains(
                    " total="
                        + sessionBytes(suite, false, DEVICE.length(), payload.length())
                        + " "),
        keep.output());

    Run resumed = send(stats, suite, "--ack", "--state", state.toString(), payload);
    assertEquals(0, resumed.code(), resumed.output());
    assertTrue(resumed.output().contains("connected: resumed session "), resumed.output());
    assertTrue(resumed.output().contains("ack seq=1 ACCEPTED early"), resumed.output());
    assertTrue(
        resumed
            .output()
            .contains(
                " total=" + sessionBytes(suite, true, DEVICE.length(), payload.length()) + " "),
        resumed.output());

    String early = "early data from C suite " + suite;
    Run again = send(Map.of(), suite, "--ack", "--state", state.toString(), early);
    assertEquals(0, again.code(), again.output());
    assertTrue(again.output().contains("ACCEPTED early"), again.output());
    node.await("Authenticated message from " + DEVICE + ": " + early);
    String b64 = Base64.getEncoder().encodeToString(early.getBytes(StandardCharsets.UTF_8));
    awaitInboxLine("\"payload\":\"" + b64 + "\"", "\"early\":true");
  }

  /** Waits (at most 10 s) for an inbox.jsonl line holding every given fragment. */
  private static void awaitInboxLine(String... fragments) throws Exception {
    Path inbox = data.resolve("inbox.jsonl");
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(inbox)) {
        for (String line : Files.readAllLines(inbox, StandardCharsets.UTF_8)) {
          if (Stream.of(fragments).allMatch(line::contains)) {
            return;
          }
        }
      }
      Thread.sleep(50);
    }
    fail(
        "no inbox line with "
            + List.of(fragments)
            + ":\n"
            + Files.readString(inbox, StandardCharsets.UTF_8));
  }

  /** The admin API of the node: {@code method path body} with the token, status and body back. */
  private static java.net.http.HttpResponse<String> admin(String method, String path, String body)
      throws Exception {
    String token = Files.readString(data.resolve("admin.token")).strip();
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + adminPort + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    return java.net.http.HttpClient.newHttpClient()
        .send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Issue 16's last item: a command queued (admin API) while the C device sleeps is printed by its
   * next run of slmp-send before the ACK of its reading, acknowledged, and its receipt ACCEPTED.
   */
  @Test
  void aCommandQueuedWhileTheCDeviceSleepsIsPrintedOnItsNextRun() throws Exception {
    String payload = Base64.getEncoder().encodeToString("blink".getBytes(StandardCharsets.UTF_8));
    var queued =
        admin(
            "POST",
            "/api/devices/" + DEVICE + "/commands",
            "{\"topic\":\"cmd/led\",\"payload\":\""
                + payload
                + "\",\"ack\":true,\"id\":\"c-cmd-1\"}");
    assertEquals(202, queued.statusCode(), queued.body());

    Run r = send(Map.of(), 3, "--ack", "reading after sleep");
    assertEquals(0, r.code(), r.output());
    String out = r.output();
    int command = out.indexOf("command seq=1 topic=cmd/led bytes=5: blink\n");
    int ack = out.indexOf("ack seq=1 ACCEPTED");
    assertTrue(command >= 0 && ack > command, out);

    long end = System.currentTimeMillis() + 10_000;
    String view = "";
    while (System.currentTimeMillis() < end) {
      view = admin("GET", "/api/devices/" + DEVICE + "/commands", null).body();
      if (view.contains("\"id\":\"c-cmd-1\"") && view.contains("\"outcome\":\"ACCEPTED\"")) {
        return;
      }
      Thread.sleep(50);
    }
    fail("no ACCEPTED receipt for c-cmd-1: " + view);
  }

  @Test
  void commandBeforeTheAckIsPrintedAndAcknowledged() throws Exception {
    Path vectors = Path.of(System.getProperty("slmp.shared.dir", "../shared"), "vectors", "slmp1");
    JsonObject in =
        new JsonObject(Files.readString(vectors.resolve("suite03_full_handshake.json")))
            .getJsonObject("inputs");
    Path out = Files.createTempFile(work, "fake", ".log");
    Process server =
        new ProcessBuilder(
                Path.of("target", "c-asan", "slmp-fake-server").toString(),
                in.getString("server_static_private"),
                in.getString("device_key"))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      long end = System.currentTimeMillis() + 10_000;
      Matcher port;
      while (!(port = Pattern.compile("port (\\d+)").matcher(Files.readString(out))).find()) {
        assertTrue(
            server.isAlive() && System.currentTimeMillis() < end,
            "fake server: " + Files.readString(out));
        Thread.sleep(20);
      }
      Run r =
          run(
              Map.of(),
              60,
              Path.of("target", "c-asan", "slmp-send").toString(),
              "--port",
              port.group(1),
              "--server-key",
              in.getString("server_static_public"),
              "--device",
              in.getString("device_id"),
              "--device-key",
              in.getString("device_key"),
              "--ack",
              "reading",
              "22.5");
      assertEquals(0, r.code(), r.output());
      assertTrue(
          r.output().contains("command seq=1 topic=cmd bytes=6: reboot\nack seq=1 ACCEPTED"),
          r.output());
      assertTrue(server.waitFor(10, TimeUnit.SECONDS), "fake server still running");
      assertEquals(0, server.exitValue(), Files.readString(out));
      assertTrue(Files.readString(out).contains("command acknowledged"), Files.readString(out));
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void serverKeyTheNodeDoesNotHoldIsExit104() throws Exception {
    // A valid X25519 key (the vectors' server key) that this node does not hold:
    // CLOSE(UNKNOWN_SERVER_KEY).
    List<String> cmd =
        List.of(
            Path.of("target", "c", "slmp-send").toAbsolutePath().toString(),
            "--port",
            Integer.toString(port),
            "--server-key",
            "147b88488cad4952526f60538499e0fe5bfdaa6a4707cf9c0eb79ea1ac9bc40f",
            "--device",
            DEVICE,
            "--device-key",
            deviceKey,
            "--ack",
            "must not arrive");
    Run r = run(Map.of(), 60, cmd.toArray(String[]::new));
    assertEquals(104, r.code(), r.output());
    assertTrue(r.output().contains("UNKNOWN_SERVER_KEY"), r.output());
  }

  @Test
  void wrongDeviceKeyIsExit105AndServerKeyFromPemFile() throws Exception {
    List<String> cmd =
        List.of(
            Path.of("target", "c", "slmp-send").toAbsolutePath().toString(),
            "--port",
            Integer.toString(port),
            "--server-key",
            data.resolve("server-x25519.pub").toString(),
            "--device",
            DEVICE,
            "--device-key",
            "11".repeat(32),
            "--ack",
            "wrong key must not arrive");
    Run r = run(Map.of(), 60, cmd.toArray(String[]::new));
    assertEquals(105, r.code(), r.output());
    assertTrue(!node.output().contains("wrong key must not arrive"), node.output());
    Run usage =
        run(
            Map.of(),
            60,
            Path.of("target", "c", "slmp-send").toAbsolutePath().toString(),
            "--device",
            "x");
    assertEquals(2, usage.code(), usage.output());
  }
}
