package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.Await.failure;
import static dev.slmp.testkit.SlmpInRecorder.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.SlmpInRecorder;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * For each suite, through a running node on 127.0.0.1: handshake, DATA with and without ACK, the
 * inbox, outbound DATA, resumption.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeEndToEndTest {
  @TempDir static Path dataDir;
  static TestNode node;
  static SlmpInRecorder inbound;

  @BeforeAll
  static void startNode(Vertx vertx) {
    inbound = await(SlmpInRecorder.listen(vertx));
    node = await(TestNode.start(vertx, dataDir, new JsonObject()));
  }

  /**
   * The inbox file's lines of {@code device}, each with its payload decoded (the file stores it in
   * base64).
   */
  private static List<String> inboxPayloads(String device) throws IOException {
    return Files.readAllLines(dataDir.resolve("inbox.jsonl")).stream()
        .map(JsonObject::new)
        .filter(l -> device.equals(l.getString("device")))
        .map(SlmpInRecorder::text)
        .toList();
  }

  /**
   * Verifies that DATA with and without ACK_REQUESTED is published on slmp.in in order, that only
   * the ACKed one goes to the inbox, and that it is on disk when the ACK arrives.
   */
  @ParameterizedTest
  @EnumSource(Suite.class)
  void dataWithAndWithoutAckReachesConsumersAndTheInbox(Suite suite, Vertx vertx) throws Exception {
    // GIVEN a device with an established session
    String id = "e2e-data-" + suite.id();
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice(id, suite)));
    DeviceTicket ticket = await(d.handshake());

    // WHEN it sends one DATA without and one with ACK_REQUESTED
    d.send("sensors/temp", "21.5");
    AckStatus status = await(d.sendWithAck("sensors/temp", "21.7"));

    // THEN the ACKed message is ACCEPTED and, by then, in the inbox file; the other one is not in
    // the file
    assertEquals(AckStatus.ACCEPTED, status);
    assertEquals(
        List.of("21.7"),
        inboxPayloads(id),
        "only the ACKed message goes to slmp.deliver, before its ACK");
    // AND both are published on slmp.in, with the message's metadata
    Eventually.until(() -> inbound.from(id).size() >= 2, Await.TIMEOUT, "both messages on slmp.in");
    List<JsonObject> got = inbound.from(id);
    assertEquals(2, got.size(), "both messages published on slmp.in");
    JsonObject first = got.get(0);
    assertEquals("sensors/temp", first.getString("topic"));
    assertEquals("21.5", text(first));
    assertEquals(1L, first.getLong("seq"));
    assertEquals(Bytes.hex(ticket.sessionId()), first.getString("session"));
    assertEquals(node.nodeId(), first.getString("node"));
    assertTrue(Math.abs(System.currentTimeMillis() - first.getLong("receivedAt")) < 60_000);
    assertEquals(2L, got.get(1).getLong("seq"));
  }

  /**
   * Verifies that a command on slmp.out.&lt;device&gt; reaches the device, is answered ACCEPTED
   * after the device's ACK (or WRITTEN without ACK), and that a bad command body fails with
   * FAIL_BAD_REQUEST.
   */
  @ParameterizedTest
  @EnumSource(Suite.class)
  void outboundDataReachesTheDeviceAndRepliesAfterItsAck(Suite suite, Vertx vertx) {
    // GIVEN a connected device
    String id = "e2e-out-" + suite.id();
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice(id, suite)));
    await(d.handshake());

    // WHEN an application sends it a command that asks for an ACK
    JsonObject cmd =
        new JsonObject().put("topic", "cmd/led").put("payload", base64("on")).put("ack", true);
    JsonObject reply = await(TestNode.requestOut(vertx, id, cmd)).body();

    // THEN the reply says ACCEPTED, and the device has the command
    assertEquals("ACCEPTED", reply.getString("status"));
    assertEquals(1, d.messages.size());
    assertEquals("cmd/led", d.messages.get(0).topic());
    assertArrayEquals("on".getBytes(), d.messages.get(0).payload());

    // WHEN a command asks for no ACK
    JsonObject noAck = new JsonObject().put("topic", "cmd/led").put("payload", base64("off"));
    // THEN the reply says WRITTEN
    assertEquals(
        "WRITTEN",
        await(vertx.eventBus().<JsonObject>request(Addresses.out(id), noAck))
            .body()
            .getString("status"));

    // WHEN a command's payload is not base64
    JsonObject bad = new JsonObject().put("topic", "x").put("payload", "not base64!");
    Throwable err = failure(vertx.eventBus().<JsonObject>request(Addresses.out(id), bad));
    // THEN the request fails as a bad request
    assertTrue(err instanceof ReplyException, "a bad command body fails");
    assertEquals(Addresses.FAIL_BAD_REQUEST, ((ReplyException) err).failureCode());
  }

  /**
   * Verifies that a device resumes its session on the same node with EARLY DATA, both messages
   * ACCEPTED in order.
   */
  @ParameterizedTest
  @EnumSource(Suite.class)
  void resumptionWithEarlyDataOnTheSameNode(Suite suite, Vertx vertx) {
    // GIVEN a device that completed a full handshake and closed its connection
    String id = "e2e-resume-" + suite.id();
    DeviceIdentity dev = node.derivedDevice(id, suite);
    DeviceOnRaw first = await(DeviceOnRaw.connect(vertx, node.port(), dev));
    DeviceTicket ticket = await(first.handshake());
    await(first.raw.socket.close());

    // WHEN it resumes with DATA in its first flight, then sends DATA after RESUMED
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), dev));
    Future<DeviceTicket> resumed = d.resume(ticket.nextCounter());
    Future<AckStatus> early = d.sendWithAck("early", "first flight");
    await(Future.all(resumed, early));
    AckStatus late = await(d.sendWithAck("late", "after RESUMED"));

    // THEN both are ACCEPTED, the first ACK answers the EARLY DATA, and slmp.in marks which one was
    // early
    assertNotNull(resumed.result());
    assertEquals(AckStatus.ACCEPTED, early.result());
    assertEquals(AckStatus.ACCEPTED, late);
    assertTrue(d.device.isResumed());
    assertEquals(1, d.acks.get(0)[1], "the first ACK answers the EARLY DATA");
    Eventually.until(() -> inbound.from(id).size() >= 2, Await.TIMEOUT, "both messages on slmp.in");
    List<JsonObject> got = inbound.from(id);
    assertEquals(2, got.size());
    assertTrue(got.get(0).getBoolean("early"));
    assertFalse(got.get(1).getBoolean("early"));
  }

  /** Verifies that a command to a device that is not connected fails with NO_HANDLERS. */
  @ParameterizedTest
  @EnumSource(value = Suite.class, names = "P256_FERNET")
  void outboundToADeviceNotConnectedFails(Suite suite, Vertx vertx) {
    // GIVEN no device "nobody-here" is connected
    // WHEN an application sends it a command
    Throwable err =
        failure(
            vertx
                .eventBus()
                .request(Addresses.out("nobody-here"), new JsonObject().put("payload", "")));
    // THEN the request fails: no handler
    assertTrue(err instanceof ReplyException);
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) err).failureType());
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }
}
