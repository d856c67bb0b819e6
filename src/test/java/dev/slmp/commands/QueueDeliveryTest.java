package dev.slmp.commands;

import static dev.slmp.commands.QueueFixture.command;
import static dev.slmp.commands.QueueFixture.enqueue;
import static dev.slmp.commands.QueueFixture.frameTypes;
import static dev.slmp.commands.QueueFixture.outcomes;
import static dev.slmp.commands.QueueFixture.text;
import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.FrameType;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 on a standalone node, with real devices over TCP: a command queued while the device
 * sleeps is the first thing it reads after WELCOME or RESUMED, before the ACK of its reading; what
 * it does not settle comes again; receipts for every outcome.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueDeliveryTest {
  @TempDir static Path dataDir;
  static TestNode node;
  static List<JsonObject> receipts;

  @BeforeAll
  static void start(Vertx vertx) {
    node =
        await(
            TestNode.start(
                vertx,
                dataDir,
                new JsonObject().put("queue", new JsonObject().put("expirySweepSeconds", 1))));
    receipts = QueueFixture.receipts(vertx);
  }

  private static DeviceIdentity device(String id) {
    return node.derivedDevice(id, Suite.P256_AES128GCM);
  }

  /** Verifies the full handshake: WELCOME, then the command, then the ACK of the reading. */
  @Test
  void aCommandQueuedWhileAsleepArrivesOnTheNextFullHandshakeBeforeTheAck(Vertx vertx) {
    // GIVEN a command queued for a device that is not connected
    JsonObject queued = await(enqueue(vertx, command("q-full", "cmd/led", "on", true)));
    assertEquals("QUEUED", queued.getString("status"));
    String id = queued.getString("id");

    // WHEN the device wakes up, handshakes and sends a reading with an ACK request
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), device("q-full")));
    await(d.handshake());
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("sensors/t", "21.5")));

    // THEN it read WELCOME, the command, and only then the ACK of its reading
    assertEquals(List.of("HELLO_REPLY", "WELCOME", "DATA", "ACK"), frameTypes(d).subList(0, 4));
    assertEquals(1, d.messages.size());
    assertEquals("cmd/led", d.messages.get(0).topic());
    assertEquals("on", text(d.messages.get(0).payload()));
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("ACCEPTED")),
        Duration.ofSeconds(10),
        "an ACCEPTED receipt");
    await(d.raw.socket.close());
  }

  /** Verifies 0-RTT: RESUMED, the command, then the ACK of the early data. */
  @Test
  void aCommandArrivesOnTheNextResumptionBeforeTheAckOfTheEarlyData(Vertx vertx) {
    // GIVEN a device with a session, asleep, and a command (no ACK asked) queued for it
    DeviceOnRaw first = await(DeviceOnRaw.connect(vertx, node.port(), device("q-0rtt")));
    DeviceTicket ticket = await(first.handshake());
    await(first.raw.socket.close());
    String id = await(enqueue(vertx, command("q-0rtt", "cmd/fw", "v2", false))).getString("id");

    // WHEN it resumes with its reading as 0-RTT data
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), device("q-0rtt")));
    Future<DeviceTicket> resumed = d.resume(ticket.nextCounter());
    Future<AckStatus> early = d.sendWithAck("sensors/t", "early reading");
    await(resumed);
    assertEquals(AckStatus.ACCEPTED, await(early));

    // THEN the command came between RESUMED and the ACK of the early data
    assertEquals(List.of("RESUMED", "DATA", "ACK"), frameTypes(d).subList(0, 3));
    assertEquals("v2", text(d.messages.get(0).payload()));
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("DELIVERED")),
        Duration.ofSeconds(10),
        "a DELIVERED receipt");
    await(d.raw.socket.close());
  }

  /** Verifies at-least-once: NOT_DELIVERED, then a lost ACK, each bring the command again. */
  @Test
  void aCommandNotDeliveredOrUnacknowledgedIsSentAgainNextTime(Vertx vertx) {
    String id =
        await(enqueue(vertx, command("q-again", "cmd/x", "retry me", true))).getString("id");

    // WHEN the device answers NOT_DELIVERED
    DeviceOnRaw d1 = await(DeviceOnRaw.connect(vertx, node.port(), device("q-again")));
    d1.answer = m -> AckStatus.NOT_DELIVERED;
    await(d1.handshake());
    await(d1.sendWithAck("t", "r1"));
    assertEquals(1, d1.messages.size());
    await(d1.raw.socket.close());

    // AND next time its ACK of the command is lost with the connection
    DeviceOnRaw d2 = await(DeviceOnRaw.connect(vertx, node.port(), device("q-again")));
    d2.tamper = f -> f[0] == FrameType.ACK ? null : f;
    await(d2.handshake());
    Eventually.until(() -> d2.messages.size() == 1, Duration.ofSeconds(10), "the command again");
    await(d2.raw.socket.close());

    // THEN the third connection receives it once more, and accepts it
    DeviceOnRaw d3 = await(DeviceOnRaw.connect(vertx, node.port(), device("q-again")));
    await(d3.handshake());
    await(d3.sendWithAck("t", "r3"));
    assertEquals(1, d3.messages.size());
    assertEquals("retry me", text(d3.messages.get(0).payload()));
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("ACCEPTED")),
        Duration.ofSeconds(10),
        "one ACCEPTED receipt");
    await(d3.raw.socket.close());
  }

  /** Verifies that a device that REJECTs a command is not sent it again. */
  @Test
  void aRejectedCommandLeavesTheQueue(Vertx vertx) {
    String id = await(enqueue(vertx, command("q-rej", "cmd/x", "no", true))).getString("id");
    DeviceOnRaw d1 = await(DeviceOnRaw.connect(vertx, node.port(), device("q-rej")));
    d1.answer = m -> AckStatus.REJECTED;
    await(d1.handshake());
    await(d1.sendWithAck("t", "r"));
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("REJECTED")),
        Duration.ofSeconds(10),
        "a REJECTED receipt");
    await(d1.raw.socket.close());
    DeviceOnRaw d2 = await(DeviceOnRaw.connect(vertx, node.port(), device("q-rej")));
    await(d2.handshake());
    await(d2.sendWithAck("t", "r"));
    assertEquals(0, d2.messages.size());
    await(d2.raw.socket.close());
  }

  /** Verifies that a command for a connected device is sent at once. */
  @Test
  void aCommandForAConnectedDeviceIsSentAtOnce(Vertx vertx) {
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), device("q-live")));
    await(d.handshake());
    String id = await(enqueue(vertx, command("q-live", "cmd/now", "go", true))).getString("id");
    Eventually.until(() -> d.messages.size() == 1, Duration.ofSeconds(10), "the command");
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("ACCEPTED")),
        Duration.ofSeconds(10),
        "an ACCEPTED receipt");
    // and slmp.out.<id> with "queue": true is the same enqueue
    JsonObject viaOut =
        await(
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        "slmp.out.q-live",
                        new JsonObject()
                            .put("topic", "cmd/two")
                            .put("payload", "")
                            .put("queue", true)))
            .body();
    assertEquals("QUEUED", viaOut.getString("status"));
    Eventually.until(() -> d.messages.size() == 2, Duration.ofSeconds(10), "the second command");
    assertEquals("cmd/two", d.messages.get(1).topic());
    await(d.raw.socket.close());
  }

  /** Verifies the TTL: a command nobody takes in time is dropped with an EXPIRED receipt. */
  @Test
  void aCommandPastItsTtlExpiresWithAReceipt(Vertx vertx) {
    String id =
        await(enqueue(vertx, command("q-ttl", "cmd/x", "late", true).put("ttlSeconds", 1)))
            .getString("id");
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("EXPIRED")),
        Duration.ofSeconds(10),
        "an EXPIRED receipt");
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), device("q-ttl")));
    await(d.handshake());
    await(d.sendWithAck("t", "r"));
    assertEquals(0, d.messages.size());
    await(d.raw.socket.close());
  }

  /** Verifies that two connections of one device racing to wake up deliver a command once. */
  @Test
  void twoRacingConnectionsDeliverACommandOnce(Vertx vertx) {
    String id = await(enqueue(vertx, command("q-race", "cmd/x", "once", true))).getString("id");
    DeviceOnRaw a = await(DeviceOnRaw.connect(vertx, node.port(), device("q-race")));
    DeviceOnRaw b = await(DeviceOnRaw.connect(vertx, node.port(), device("q-race")));
    a.handshake();
    b.handshake();
    Eventually.until(
        () -> a.raw.closeFrame().isComplete() || b.raw.closeFrame().isComplete(),
        Duration.ofSeconds(10),
        "one taken over");
    Eventually.until(
        () -> a.messages.size() + b.messages.size() >= 1, Duration.ofSeconds(10), "the command");
    assertEquals(1, a.messages.size() + b.messages.size());
    assertTrue(outcomes(receipts, id).size() <= 1);
    a.raw.socket.close();
    b.raw.socket.close();
  }
}
