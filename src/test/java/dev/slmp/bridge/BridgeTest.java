package dev.slmp.bridge;

import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.TestNode.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.client.SlmpClient;
import dev.slmp.config.NodeConfig;
import dev.slmp.connection.InboundMessage;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The TCP event-bus bridge with its default permissions, driven by a plain socket client. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeTest {
  @TempDir static Path dataDir;
  static TestNode node;
  static int bridgePort;

  @BeforeAll
  static void startNode(Vertx vertx) throws Exception {
    bridgePort = TestNode.freePort();
    // The inbox is off so that a bridge client registered on slmp.deliver is the one answering.
    node =
        await(
            TestNode.start(
                vertx,
                dataDir,
                new JsonObject()
                    .put("inbox", new JsonObject().put("enabled", false))
                    .put("bridge", new JsonObject().put("enabled", true).put("port", bridgePort))));
  }

  private static String text(JsonObject body) {
    return new String(
        Base64.getDecoder().decode(body.getString("payload")), StandardCharsets.UTF_8);
  }

  @Test
  void clientRegisteredOnSlmpInReceivesDeviceMessages(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(bridgePort, dataDir)) {
      assertEquals("pong", client.register("slmp.in").getString("type"));
      SlmpClient device = await(node.client("bridge-in", m -> {}));
      await(device.send("sensors/temp", utf8("21.5")));

      JsonObject frame = client.next();
      assertEquals("message", frame.getString("type"));
      assertEquals("slmp.in", frame.getString("address"));
      assertEquals(false, frame.getBoolean("send"), "slmp.in is published");
      JsonObject body = frame.getJsonObject("body");
      assertEquals("bridge-in", body.getString("device"));
      assertEquals("sensors/temp", body.getString("topic"));
      assertEquals("21.5", text(body));
      assertEquals(node.nodeId(), body.getString("node"));
    }
  }

  /**
   * Verifies a bridge client consuming slmp.deliver decides the device's ACK through the reply
   * address it gets.
   */
  @Test
  void clientConsumingSlmpDeliverAcceptsAndRejects(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(bridgePort, dataDir)) {
      client.register("slmp.deliver");
      SlmpClient device = await(node.client("bridge-deliver", m -> {}));

      Future<AckStatus> first = device.sendWithAck("t", utf8("take me"));
      JsonObject frame = client.next();
      assertEquals("slmp.deliver", frame.getString("address"));
      assertEquals(true, frame.getBoolean("send"));
      assertEquals("take me", text(frame.getJsonObject("body")));
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", frame.getString("replyAddress"))
              .put("body", new JsonObject()));
      assertEquals(AckStatus.ACCEPTED, await(first));

      Future<AckStatus> second = device.sendWithAck("t", utf8("refuse me"));
      frame = client.next();
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", frame.getString("replyAddress"))
              .put("failureCode", 2)
              .put("message", "malformed reading"));
      assertEquals(AckStatus.REJECTED, await(second));
    }
  }

  @Test
  void clientSendsACommandToADevice(Vertx vertx) throws Exception {
    List<InboundMessage> received = new CopyOnWriteArrayList<>();
    await(node.client("bridge-out", received::add));
    try (BridgeClient client = new BridgeClient(bridgePort, dataDir)) {
      JsonObject command =
          new JsonObject()
              .put("topic", "cmd/led")
              .put("payload", Base64.getEncoder().encodeToString(utf8("on")));
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "slmp.out.bridge-out")
              .put("replyAddress", "my-reply")
              .put("body", command));
      JsonObject reply = client.next();
      assertEquals("message", reply.getString("type"));
      assertEquals("my-reply", reply.getString("address"));
      assertEquals("WRITTEN", reply.getJsonObject("body").getString("status"));
      Eventually.until(() -> !received.isEmpty(), Await.TIMEOUT, "the command reached the device");
      InboundMessage m = received.get(0);
      assertEquals("cmd/led", m.topic());
      assertEquals("on", new String(m.payload(), StandardCharsets.UTF_8));

      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "slmp.out.nobody")
              .put("replyAddress", "r2")
              .put("body", command));
      JsonObject err = client.next();
      assertEquals("err", err.getString("type"));
      assertEquals("r2", err.getString("address"));
      assertEquals("NO_HANDLERS", err.getString("failureType"));
    }
  }

  /**
   * Verifies that a bridge client queues commands (slmp.commands, and slmp.out.<id> with "queue":
   * true) for a sleeping device, sees their receipts, and cannot forge a receipt.
   */
  @Test
  void clientQueuesACommandForASleepingDeviceAndSeesItsReceipt(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(bridgePort, dataDir)) {
      client.send(new JsonObject().put("type", "register").put("address", "slmp.out.receipt"));
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "slmp.commands")
              .put("replyAddress", "q1")
              .put(
                  "body",
                  new JsonObject()
                      .put("device", "bridge-sleepy")
                      .put("topic", "cmd/a")
                      .put("payload", Base64.getEncoder().encodeToString(utf8("one")))));
      JsonObject queued = client.next();
      assertEquals("q1", queued.getString("address"), queued.encode());
      assertEquals("QUEUED", queued.getJsonObject("body").getString("status"));
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "slmp.out.bridge-sleepy")
              .put("replyAddress", "q2")
              .put("body", new JsonObject().put("topic", "cmd/b").put("queue", true)));
      JsonObject second = client.next();
      assertEquals("QUEUED", second.getJsonObject("body").getString("status"), second.encode());
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "slmp.commands")
              .put("replyAddress", "q3")
              .put("body", new JsonObject().put("device", "bridge-sleepy")));
      JsonObject bad = client.next();
      assertEquals("err", bad.getString("type"));
      assertEquals(400, bad.getInteger("failureCode"));
      assertTrue(bad.getString("message").contains("'topic' is missing"), bad.encode());
      client.send(
          new JsonObject()
              .put("type", "publish")
              .put("address", "slmp.out.receipt")
              .put("body", new JsonObject().put("id", "forged").put("outcome", "ACCEPTED")));
      assertEquals("access_denied", client.next().getString("message"));

      // The device wakes up and reads both; the receipts reach the client.
      List<InboundMessage> received = new CopyOnWriteArrayList<>();
      await(node.client("bridge-sleepy", received::add));
      Eventually.until(() -> received.size() == 2, Await.TIMEOUT, "both commands");
      assertEquals("cmd/a", received.get(0).topic());
      assertEquals("cmd/b", received.get(1).topic());
      JsonObject receipt = client.next();
      assertEquals("slmp.out.receipt", receipt.getString("address"), receipt.encode());
      assertEquals("DELIVERED", receipt.getJsonObject("body").getString("outcome"));
    }
  }

  @Test
  void addressesNotPermittedAreRefused(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(bridgePort, dataDir)) {
      JsonObject[] refused = {
        new JsonObject().put("type", "register").put("address", "slmp.internal.auth.verify"),
        new JsonObject()
            .put("type", "register")
            .put("address", "slmp.out.some-device"), // receiving commands: no
        new JsonObject()
            .put("type", "publish")
            .put("address", "slmp.in")
            .put("body", new JsonObject()), // faking devices: no
        new JsonObject()
            .put("type", "send")
            .put("address", "slmp.deliver")
            .put("body", new JsonObject()),
        new JsonObject()
            .put("type", "send")
            .put("address", "slmp.outage")
            .put("body", new JsonObject()),
        new JsonObject()
            .put("type", "send")
            .put("address", "slmp.internal.auth.revoked")
            .put("replyAddress", "r")
            .put("body", new JsonObject().put("device", "x")),
      };
      for (JsonObject frame : refused) {
        client.send(frame);
        JsonObject answer = client.next();
        assertEquals(
            new JsonObject().put("type", "err").put("message", "access_denied"),
            answer,
            frame.encode());
      }
      // The connection is still usable after refusals.
      assertEquals("pong", client.register("slmp.in").getString("type"));
    }
  }

  /** Runs src/examples/python/bridge_consumer.py, as the README says, when python3 is installed. */
  @Test
  void pythonExampleConsumesAndCommands(Vertx vertx) throws Exception {
    assertTrue(
        PythonRunner.available(), "python3 is needed for this example (.ci/run installs it)");
    List<InboundMessage> received = new CopyOnWriteArrayList<>();
    SlmpClient device = await(node.client("py-dev", received::add));
    try (PythonRunner consumer =
        PythonRunner.start(
            "--token-file",
            dataDir.resolve("bridge.token").toString(),
            "--port",
            String.valueOf(bridgePort),
            "--count",
            "1")) {
      assertEquals("listening on slmp.in", consumer.line());
      await(device.send("sensors/hum", utf8("48%")));
      assertEquals("[slmp.in] py-dev on 'sensors/hum': 48%", consumer.line());
      assertEquals(0, consumer.exitCode());
    }
    try (PythonRunner sender =
        PythonRunner.start(
            "--token-file",
            dataDir.resolve("bridge.token").toString(),
            "--port",
            String.valueOf(bridgePort),
            "--send",
            "py-dev",
            "reboot",
            "--topic",
            "cmd/power",
            "--ack")) {
      JsonObject reply = new JsonObject(sender.line());
      assertEquals("ACCEPTED", reply.getString("status"));
      assertEquals(0, sender.exitCode());
    }
    Eventually.until(() -> !received.isEmpty(), Await.TIMEOUT, "the command reached the device");
    InboundMessage m = received.get(0);
    assertEquals("cmd/power", m.topic());
    assertEquals("reboot", new String(m.payload(), StandardCharsets.UTF_8));
    // A later command, ACKed by the device: whatever came before it has arrived by then. Nothing
    // did.
    JsonObject sentinel =
        new JsonObject().put("topic", "sentinel").put("payload", "").put("ack", true);
    assertEquals(
        "ACCEPTED",
        await(TestNode.requestOut(vertx, "py-dev", sentinel)).body().getString("status"));
    assertEquals(
        List.of("cmd/power", "sentinel"), received.stream().map(InboundMessage::topic).toList());
  }

  @Test
  void badPermittedEntriesFailConfigValidation() {
    JsonObject badRegex =
        new JsonObject()
            .put(
                "bridge",
                new JsonObject()
                    .put(
                        "inbound",
                        new JsonArray()
                            .add("slmp.a")
                            .add(new JsonObject().put("addressRegex", "slmp.(out"))));
    String msg =
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(badRegex))
            .getMessage();
    assertTrue(msg.startsWith("config key 'bridge.inbound[1]': bad addressRegex"), msg);
    JsonObject badEntry =
        new JsonObject().put("bridge", new JsonObject().put("outbound", new JsonArray().add(7)));
    msg =
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(badEntry))
            .getMessage();
    assertEquals(
        "config key 'bridge.outbound[0]' must be an address, {\"address\": a} or {\"addressRegex\": r}, was 7",
        msg);
  }

  /** Verifies that a client without the token, or with a wrong one, is closed and hears nothing. */
  @Test
  void clientsWithoutTheTokenAreClosed() throws Exception {
    // GIVEN the node's token file, created on first start
    Path tokenFile = dataDir.resolve("bridge.token");
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            java.nio.file.Files.getPosixFilePermissions(tokenFile)));
    String wrong = "0".repeat(64);
    for (JsonObject headers : new JsonObject[] {null, new JsonObject().put("token", wrong)}) {
      try (BridgeClient client = new BridgeClient(bridgePort)) {
        // WHEN a client registers on slmp.in without the token, or with a wrong one
        JsonObject frame = new JsonObject().put("type", "register").put("address", "slmp.in");
        client.send(headers == null ? frame : frame.put("headers", headers));
        // THEN the node closes the connection without a frame
        assertThrows(java.io.EOFException.class, client::next, String.valueOf(headers));
      }
    }
  }

  /** Verifies that a bridge off loopback, or rules reaching node-only addresses, fail the start. */
  @Test
  void unsafeBridgeSettingsFailConfigValidation() {
    JsonObject open =
        new JsonObject()
            .put("bridge", new JsonObject().put("enabled", true).put("host", "0.0.0.0"));
    String msg =
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(open)).getMessage();
    assertTrue(msg.startsWith("config key 'bridge.host' must be a loopback address"), msg);
    for (Object rule :
        new Object[] {
          new JsonObject().put("addressRegex", ".*"),
          new JsonObject().put("addressRegex", "slmp\\.internal\\..+"),
          new JsonObject().put("addressRegex", "__vertx\\.reply\\..*"),
          "slmp.internal.connected",
          "__vertx.reply.7"
        }) {
      JsonObject c =
          new JsonObject()
              .put("bridge", new JsonObject().put("inbound", new JsonArray().add(rule)));
      msg = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(c)).getMessage();
      assertTrue(msg.contains("node-only addresses"), rule + ": " + msg);
    }
  }
}
