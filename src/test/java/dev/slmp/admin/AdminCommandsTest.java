package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downlink queue through the admin API of a real node over HTTP (issue 14): queue, list, cancel
 * with its receipt, the per-device bound, and every bad request refused with a clear message and
 * nothing queued or lost.
 */
class AdminCommandsTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static TestNode node;
  static AdminHttp api;
  static final List<JsonObject> receipts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = await(TestNode.start(vertx, dir.resolve("node"), new JsonObject()));
    api =
        new AdminHttp(
            node.adminPort(), Files.readString(node.dataDir().resolve(AdminToken.FILE)).trim());
    await(
        vertx
            .eventBus()
            .<JsonObject>consumer(Addresses.RECEIPT, m -> receipts.add(m.body()))
            .completion());
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }

  private static JsonArray queued(String device) {
    AdminHttp.Reply r = api.get("/api/devices/" + device + "/commands");
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("queued");
  }

  /**
   * Verifies queue, list, cancel (with its receipt), and that a cancelled command never arrives.
   */
  @Test
  void aCommandIsQueuedListedAndCancelledWithAReceipt() {
    AdminHttp.Reply q =
        api.post(
            "/api/devices/adm-1/commands",
            new JsonObject()
                .put("topic", "cmd/led")
                .put("payload", b64("on"))
                .put("ack", true)
                .put("id", "c-1")
                .encode());
    assertEquals(202, q.status(), q.body());
    assertEquals("c-1", q.json().getString("id"));
    assertEquals("QUEUED", q.json().getString("status"));
    JsonArray list = queued("adm-1");
    assertEquals(1, list.size());
    assertEquals("cmd/led", list.getJsonObject(0).getString("topic"));
    assertEquals(b64("on"), list.getJsonObject(0).getString("payload"));

    AdminHttp.Reply c = api.delete("/api/devices/adm-1/commands/c-1");
    assertEquals(200, c.status(), c.body());
    assertEquals("CANCELLED", c.json().getString("outcome"));
    Eventually.until(
        () ->
            receipts.stream()
                .anyMatch(
                    r ->
                        "c-1".equals(r.getString("id"))
                            && "CANCELLED".equals(r.getString("outcome"))),
        Duration.ofSeconds(10),
        "a CANCELLED receipt");
    JsonObject view = api.get("/api/devices/adm-1/commands").json();
    assertEquals(0, view.getJsonArray("queued").size());
    assertEquals("CANCELLED", view.getJsonArray("recent").getJsonObject(0).getString("outcome"));
    assertEquals(404, api.delete("/api/devices/adm-1/commands/c-1").status());

    // The device wakes up: nothing is sent.
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice("adm-1", Suite.P256_AES128GCM)));
    await(d.handshake());
    await(d.sendWithAck("t", "r"));
    assertEquals(0, d.messages.size());
    await(d.raw.socket.close());
    assertTrue(
        AdminHttp.sample(api.get("/metrics").body(), "slmp_commands_total{outcome=\"cancelled\"}")
            >= 1);
  }

  /** Verifies queue.maxPerDevice: the 17th command is refused, the 16 stay. */
  @Test
  void theSeventeenthCommandIsRefusedAndTheSixteenStay() {
    for (int i = 1; i <= 16; i++) {
      assertEquals(
          202,
          api.post("/api/devices/adm-full/commands", "{\"topic\":\"t\",\"payload\":\"\"}")
              .status());
    }
    AdminHttp.Reply r = api.post("/api/devices/adm-full/commands", "{\"topic\":\"t\"}");
    assertEquals(429, r.status());
    assertTrue(r.json().getString("error").contains("queue.maxPerDevice"), r.body());
    assertEquals(16, queued("adm-full").size());
    // The same bound on the event bus.
    ReplyException e =
        (ReplyException)
            dev.slmp.testkit.Await.failure(
                vertx
                    .eventBus()
                    .request(
                        Addresses.COMMANDS,
                        new JsonObject().put("device", "adm-full").put("topic", "t")));
    assertEquals(Addresses.FAIL_QUEUE_FULL, e.failureCode());
  }

  /** Verifies every bad request: a clear 4xx naming what is wrong, and nothing queued. */
  @Test
  void badRequestsAreRefusedWithTheReasonAndQueueNothing() {
    node.services().data().registry();
    String big = Base64.getEncoder().encodeToString(new byte[1024]);
    Object[][] cases = {
      {"{\"topic\":\"t\",\"payload\":\"not base64!\"}", 400, "'payload'"},
      {"{\"payload\":\"\"}", 400, "'topic' is missing"},
      {"{\"topic\":7}", 400, "'topic' must be a string"},
      {"{\"topic\":\"" + "x".repeat(256) + "\"}", 400, "'topic' is longer"},
      {"{\"topic\":\"t\",\"payload\":\"" + big + "\"}", 400, "deviceMaxBody"},
      {"{\"topic\":\"t\",\"ack\":\"yes\"}", 400, "'ack'"},
      {"{\"topic\":\"t\",\"ttlSeconds\":0}", 400, "'ttlSeconds'"},
      {"{\"topic\":\"t\",\"ttlSeconds\":1.5}", 400, "'ttlSeconds'"},
      {"{\"topic\":\"t\",\"id\":\"has space\"}", 400, "'id'"},
      {"{\"topic\":\"t\",\"colour\":\"red\"}", 400, "unknown field 'colour'"},
      {"{\"topic\":\"t\",\"device\":\"other\"}", 400, "named by the path"},
      {"[1,2]", 400, "JSON object"},
      {"not json", 400, "JSON object"},
    };
    for (Object[] c : cases) {
      AdminHttp.Reply r = api.post("/api/devices/adm-bad/commands", (String) c[0]);
      assertEquals(c[1], r.status(), c[0] + " -> " + r.body());
      assertTrue(r.json().getString("error").contains((String) c[2]), c[0] + " -> " + r.body());
    }
    assertEquals(0, queued("adm-bad").size());

    // A device id that cannot exist, a revoked device, a duplicate id.
    assertEquals(
        400,
        api.post("/api/devices/" + "d".repeat(65) + "/commands", "{\"topic\":\"t\"}").status());
    node.services().data().registry();
    try {
      node.services().data().registry().revoke("adm-revoked");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    AdminHttp.Reply revoked = api.post("/api/devices/adm-revoked/commands", "{\"topic\":\"t\"}");
    assertEquals(403, revoked.status());
    assertTrue(revoked.json().getString("error").contains("revoked"));
    assertEquals(0, queued("adm-revoked").size());
    assertEquals(
        202,
        api.post("/api/devices/adm-bad/commands", "{\"topic\":\"t\",\"id\":\"once\"}").status());
    AdminHttp.Reply dup =
        api.post("/api/devices/adm-bad/commands", "{\"topic\":\"u\",\"id\":\"once\"}");
    assertEquals(409, dup.status());
    JsonArray after = queued("adm-bad");
    assertEquals(1, after.size());
    assertEquals("t", after.getJsonObject(0).getString("topic"));
    assertEquals(400, api.delete("/api/devices/adm-bad/commands/bad%20id").status());
    assertEquals(404, api.delete("/api/devices/adm-bad/commands/nope").status());
  }
}
