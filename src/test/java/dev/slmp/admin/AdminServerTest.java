package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin server of one real node, over real HTTP: the token file, 401 without it, the probes
 * (ready DOWN when the data directory goes away, and first on shutdown), {@code /metrics} moving
 * with each event, and every admin API call against real devices. One node for the class.
 */
class AdminServerTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static TestNode node;
  static AdminHttp api;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = await(TestNode.start(vertx, dir.resolve("node"), new JsonObject()));
    String token = Files.readString(node.dataDir().resolve(AdminToken.FILE)).trim();
    api = new AdminHttp(node.adminPort(), token);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  static final Suite SUITE = Suite.X25519_CHACHA20POLY1305;

  static DeviceOnRaw connect(DeviceIdentity id) {
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), id));
    await(d.handshake());
    return d;
  }

  static String closeOf(DeviceOnRaw d) {
    byte[] body = await(d.raw.closeFrame()).body();
    return CloseCode.of(body[0] & 0xFF)
        + " "
        + new String(body, 1, body.length - 1, StandardCharsets.UTF_8);
  }

  @Test
  void tokenFileIsMadeWithMode600AndTheApiRefusesCallsWithoutIt() throws Exception {
    Path file = node.dataDir().resolve(AdminToken.FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    int before = api.get("/api/devices").json().getJsonArray("devices").size();
    // No header, a wrong token, another scheme, a token with a byte changed: 401 and nothing done.
    String token = Files.readString(file).trim();
    String changed = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
    for (String auth : new String[] {null, "Bearer nope", "Basic " + token, "Bearer " + changed}) {
      AdminHttp.Reply r = api.get("/api/devices", auth == null ? null : auth);
      if (auth == null) {
        r = new AdminHttp(node.adminPort(), null).get("/api/devices");
      }
      assertEquals(401, r.status(), "for " + auth);
      assertFalse(r.body().contains(token), "the token never appears in an answer");
      AdminHttp.Reply add =
          new AdminHttp(node.adminPort(), auth == null ? "x" : auth)
              .post("/api/devices", "{\"id\":\"sneaky\"}");
      assertEquals(401, add.status());
    }
    assertEquals(before, api.get("/api/devices").json().getJsonArray("devices").size());
    assertFalse(node.services().data().registry().isRegistered("sneaky"));
    // Probes and metrics need no token (load balancers and Prometheus call them).
    assertEquals(200, new AdminHttp(node.adminPort(), null).get("/health/live").status());
    assertEquals(200, new AdminHttp(node.adminPort(), null).get("/metrics").status());
  }

  /** Verifies that without the admin server no port is opened and SLMP's meters count nothing. */
  @Test
  void withoutTheAdminServerNothingIsCounted() throws Exception {
    Vertx own = Vertx.vertx();
    try {
      TestNode off =
          await(
              TestNode.start(
                  own,
                  dir.resolve("no-admin"),
                  new JsonObject().put("admin", new JsonObject().put("enabled", false))));
      assertEquals(dev.slmp.metrics.SlmpMeters.NOOP, off.services().meters());
      assertFalse(Files.exists(off.dataDir().resolve(AdminToken.FILE)), "no admin token made");
      assertEquals(
          dev.slmp.metrics.MicrometerSlmpMeters.class, node.services().meters().getClass());
    } finally {
      await(own.close());
    }
  }

  @Test
  void aTokenFileOthersCanReadStopsTheStart() throws Exception {
    Path d = dir.resolve("loose");
    Files.createDirectories(d);
    Files.writeString(d.resolve(AdminToken.FILE), "A".repeat(43));
    Files.setPosixFilePermissions(
        d.resolve(AdminToken.FILE), PosixFilePermissions.fromString("rw-r--r--"));
    // Nodes on one Vert.x would share its local handshake address: another node, another Vert.x.
    Vertx own = Vertx.vertx();
    try {
      Throwable e = dev.slmp.testkit.Await.failure(TestNode.start(own, d, new JsonObject()));
      assertTrue(String.valueOf(e.getMessage()).contains("mode must be 600"), e.getMessage());
    } finally {
      await(own.close());
    }
  }

  @Test
  void liveAndReadyAreUpWithEveryCheck() {
    AdminHttp.Reply live = api.get("/health/live");
    assertEquals(200, live.status(), live.body());
    assertEquals("UP", live.json().getString("status"));
    AdminHttp.Reply ready = api.get("/health/ready");
    assertEquals(200, ready.status(), ready.body());
    assertEquals("UP", ready.json().getString("status"));
    for (String check :
        new String[] {"shutdown", "slmp-port", "data-dir", "inbox", "session-store"}) {
      assertTrue(ready.body().contains("\"id\":\"" + check + "\""), check + " in " + ready.body());
    }
  }

  @Test
  void readyIsDownWhileTheDataDirectoryIsGone() throws Exception {
    // Root ignores file modes, so the directory is replaced by a plain file (a lost mount).
    Path data = node.dataDir();
    Path moved = dir.resolve("moved-away");
    Files.move(data, moved);
    Files.writeString(data, "not a directory");
    try {
      AdminHttp.Reply r = api.get("/health/ready");
      assertEquals(503, r.status(), r.body());
      assertTrue(r.body().contains("data directory not writable"), r.body());
      assertEquals(200, api.get("/health/live").status(), "live stays UP");
    } finally {
      Files.delete(data);
      Files.move(moved, data);
    }
    Eventually.until(
        () -> api.get("/health/ready").status() == 200,
        Duration.ofSeconds(10),
        "ready UP again once the directory is back");
  }

  @Test
  void readyGoesDownFirstOnShutdownWhileTheGatewayStillAccepts() throws Exception {
    Vertx own = Vertx.vertx();
    TestNode other = await(TestNode.start(own, dir.resolve("stopping"), new JsonObject()));
    String token = Files.readString(other.dataDir().resolve(AdminToken.FILE)).trim();
    AdminHttp http = new AdminHttp(other.adminPort(), token);
    assertEquals(200, http.get("/health/ready").status());
    other.node().beginShutdown();
    AdminHttp.Reply r = http.get("/health/ready");
    assertEquals(503, r.status());
    assertTrue(r.body().contains("shutting down"), r.body());
    assertEquals(200, http.get("/health/live").status());
    DeviceOnRaw d =
        await(DeviceOnRaw.connect(own, other.port(), other.derivedDevice("late", SUITE)));
    await(d.handshake());
    await(own.close());
  }

  @Test
  void eachMetricMovesWithItsEvent() throws Exception {
    String before = api.get("/metrics").body();
    String ok =
        "slmp_handshakes_total{kind=\"full\",outcome=\"ok\",suite=\"" + SUITE.name() + "\"}";
    // A handshake that failed is counted under the suite its HELLO or RESUME named...
    String failed =
        "slmp_handshakes_total{kind=\"full\",outcome=\"AUTH_FAILED\",suite=\""
            + SUITE.name()
            + "\"}";
    // ...and under "unknown" when its first frame named none (here: an unknown version).
    String badVersion =
        "slmp_handshakes_total{kind=\"full\",outcome=\"UNSUPPORTED_VERSION\",suite=\"unknown\"}";
    String resumed =
        "slmp_handshakes_total{kind=\"resumed\",outcome=\"ok\",suite=\"" + SUITE.name() + "\"}";
    String replay =
        "slmp_handshakes_total{kind=\"resumed\",outcome=\"REPLAY\",suite=\"" + SUITE.name() + "\"}";
    String accepted = "slmp_messages_total{outcome=\"accepted\"}";
    String noAck = "slmp_messages_total{outcome=\"no_ack\"}";
    String delivery = "slmp_delivery_seconds_count";
    String fsync = "slmp_inbox_fsync_seconds_count";
    String authClose = "slmp_closes_total{code=\"AUTH_FAILED\"}";

    DeviceIdentity metered = node.derivedDevice("metered", SUITE);
    DeviceOnRaw first = await(DeviceOnRaw.connect(vertx, node.port(), metered));
    dev.slmp.session.DeviceTicket ticket = await(first.handshake());
    // A RESUME that reuses the counter is a REPLAY: a failed handshake of kind resumed.
    DeviceOnRaw replayed = await(DeviceOnRaw.connect(vertx, node.port(), metered));
    replayed.resume(ticket);
    assertEquals(CloseCode.REPLAY.code(), await(replayed.raw.closeCode()));
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), metered));
    await(d.resume(ticket.nextCounter())); // takes over from the first connection
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "one")));
    d.send("t", "two");
    DeviceIdentity good = node.derivedDevice("impostor", SUITE);
    byte[] wrongKey = new byte[32];
    DeviceOnRaw bad =
        await(
            DeviceOnRaw.connect(
                vertx,
                node.port(),
                new DeviceIdentity("impostor", wrongKey, SUITE, good.serverPublicKey())));
    bad.handshake();
    assertEquals(CloseCode.AUTH_FAILED.code(), await(bad.raw.closeCode()));
    dev.slmp.testkit.RawDevice v9 = await(dev.slmp.testkit.RawDevice.connect(vertx, node.port()));
    await(
        v9.send(
            dev.slmp.protocol.Frame.encode(dev.slmp.protocol.FrameType.HELLO, new byte[] {9, 2})));
    assertEquals(CloseCode.UNSUPPORTED_VERSION.code(), await(v9.closeCode()));

    Eventually.until(
        () -> {
          String after = api.get("/metrics").body();
          return AdminHttp.sample(after, ok) >= AdminHttp.sample(before, ok) + 1
              && AdminHttp.sample(after, failed) >= AdminHttp.sample(before, failed) + 1
              && AdminHttp.sample(after, badVersion) >= AdminHttp.sample(before, badVersion) + 1
              && AdminHttp.sample(after, resumed) >= AdminHttp.sample(before, resumed) + 1
              && AdminHttp.sample(after, replay) >= AdminHttp.sample(before, replay) + 1
              && AdminHttp.sample(after, accepted) >= AdminHttp.sample(before, accepted) + 1
              && AdminHttp.sample(after, noAck) >= AdminHttp.sample(before, noAck) + 1
              && AdminHttp.sample(after, delivery) >= AdminHttp.sample(before, delivery) + 1
              && AdminHttp.sample(after, fsync) >= AdminHttp.sample(before, fsync) + 1
              && AdminHttp.sample(after, authClose) >= AdminHttp.sample(before, authClose) + 1
              && AdminHttp.sample(after, "slmp_connections") >= 1
              && AdminHttp.sample(after, "slmp_sessions") >= 1;
        },
        Duration.ofSeconds(10),
        () -> "every SLMP meter moved:\n" + grepSlmp(api.get("/metrics").body()));
    String text = api.get("/metrics").body();
    assertTrue(text.contains("slmp_delivery_seconds_bucket"), "delivery is a histogram");
    assertTrue(text.contains("slmp_refusals_total{reason=\"max_connections\"}"));
    assertTrue(text.contains("jvm_memory_used_bytes"), "the JVM's meters are there too");
    d.raw.socket.close();
  }

  static String grepSlmp(String metrics) {
    StringBuilder b = new StringBuilder();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("slmp_") && !line.contains("bucket") && !line.endsWith(" 0.0")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  @Test
  void addListGetRevokeReinstateADevice() throws Exception {
    AdminHttp.Reply add = api.post("/api/devices", "{\"id\":\"api-dev\"}");
    assertEquals(201, add.status(), add.body());
    String key = add.json().getString("key");
    assertTrue(key.matches("[0-9a-f]{64}"), "the new key, once");
    assertEquals(409, api.post("/api/devices", "{\"id\":\"api-dev\"}").status());
    assertFalse(
        api.get("/api/devices/api-dev").body().contains(key), "the key is never shown again");
    assertFalse(api.get("/api/devices").body().contains(key));
    // Hostile input: each a clear 400, nothing registered.
    assertEquals(400, api.post("/api/devices", "{\"id\":\"" + "x".repeat(300) + "\"}").status());
    assertEquals(400, api.post("/api/devices", "{\"id\":42}").status());
    assertEquals(400, api.post("/api/devices", "not json").status());
    assertEquals(400, api.post("/api/devices", "[1]").status());
    assertEquals(404, api.get("/api/devices/nobody").status());

    DeviceIdentity id =
        new DeviceIdentity("api-dev", Bytes.unhex(key), SUITE, node.key(SUITE).publicKey());
    DeviceOnRaw d = connect(id);
    Eventually.until(
        () -> api.get("/api/connections").body().contains("\"device\":\"api-dev\""),
        Duration.ofSeconds(5),
        "the connection is listed");
    JsonObject conn =
        api.get("/api/connections").json().getJsonArray("connections").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("device").equals("api-dev"))
            .findFirst()
            .orElseThrow();
    assertEquals(node.nodeId(), conn.getString("node"));
    assertEquals("127.0.0.1", conn.getString("remoteAddress"));
    assertEquals(SUITE.name(), conn.getString("suite"));

    // A revoke ends the live connection with AUTH_FAILED, and a new handshake is refused.
    AdminHttp.Reply revoke = api.post("/api/devices/api-dev/revoke", "");
    assertEquals(200, revoke.status(), revoke.body());
    assertTrue(revoke.json().getBoolean("revoked"));
    assertEquals("AUTH_FAILED device revoked", closeOf(d));
    DeviceOnRaw again = await(DeviceOnRaw.connect(vertx, node.port(), id));
    again.handshake();
    assertEquals(CloseCode.AUTH_FAILED.code(), await(again.raw.closeCode()));
    assertTrue(api.get("/api/devices/api-dev").json().getBoolean("revoked"));

    assertEquals(200, api.post("/api/devices/api-dev/reinstate", "").status());
    assertFalse(api.get("/api/devices/api-dev").json().getBoolean("revoked"));
    DeviceOnRaw back = connect(id);
    back.raw.socket.close();
  }

  @Test
  void deletingADevicesSessionsMakesItsNextResumptionUnknown() throws Exception {
    // GIVEN a device with a session
    DeviceIdentity id = node.derivedDevice("forgotten", SUITE);
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), id));
    dev.slmp.session.DeviceTicket ticket = await(d.handshake());
    d.raw.socket.close();
    // WHEN the operator deletes its sessions
    AdminHttp.Reply r = api.delete("/api/devices/forgotten/sessions");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.json().getBoolean("sessionsDeleted"));
    // THEN resuming it gets SESSION_UNKNOWN
    DeviceOnRaw again = await(DeviceOnRaw.connect(vertx, node.port(), id));
    again.resume(ticket.nextCounter());
    assertEquals(CloseCode.SESSION_UNKNOWN.code(), await(again.raw.closeCode()));
    assertEquals(
        401,
        new AdminHttp(node.adminPort(), "wrong")
            .delete("/api/devices/forgotten/sessions")
            .status());
  }

  @Test
  void sendAMessageToAConnectedDeviceAndKickIt() throws Exception {
    DeviceOnRaw d = connect(node.derivedDevice("commanded", SUITE));
    String payload = Base64.getEncoder().encodeToString("reboot".getBytes(StandardCharsets.UTF_8));
    AdminHttp.Reply r =
        api.post(
            "/api/devices/commanded/messages",
            new JsonObject().put("topic", "cmd").put("payload", payload).put("ack", true).encode());
    assertEquals(200, r.status(), r.body());
    assertEquals("ACCEPTED", r.json().getString("status"));
    assertEquals("reboot", new String(d.messages.get(0).payload(), StandardCharsets.UTF_8));
    assertEquals(
        400,
        api.post("/api/devices/commanded/messages", "{\"topic\":\"cmd\",\"payload\":\"%%%\"}")
            .status());
    assertEquals(
        404,
        api.post("/api/devices/absent/messages", "{\"topic\":\"cmd\",\"payload\":\"\"}").status());

    assertEquals(404, api.delete("/api/connections/absent").status());
    AdminHttp.Reply kick = api.delete("/api/connections/commanded");
    assertEquals(200, kick.status(), kick.body());
    assertEquals("NORMAL closed by operator", closeOf(d));
  }

  @Test
  void clusterStateOfAStandaloneNode() {
    JsonObject c = api.get("/api/cluster").json();
    assertEquals(node.nodeId(), c.getString("node"));
    assertFalse(c.getBoolean("clustered"));
    assertEquals(1, c.getJsonArray("members").size());
    assertEquals(404, api.get("/api/nothing-here").status());
  }
}
