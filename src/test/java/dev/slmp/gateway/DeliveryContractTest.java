package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code slmp.deliver} contract with the inbox off: the consumer's answer becomes the device's
 * ACK status, and a device is never told ACCEPTED for a message no consumer took. Also: a device
 * that connects again takes over from its older connection, and an idle connection times out.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeliveryContractTest {
  @TempDir static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void startNode(Vertx vertx, VertxTestContext ctx) {
    JsonObject cfg =
        new JsonObject()
            .put("inbox", new JsonObject().put("enabled", false))
            .put("delivery", new JsonObject().put("timeoutMs", 500))
            .put("keepaliveSeconds", 1)
            // The crypto verticle path (two instances) and handshakes on worker threads.
            .put("verticles", new JsonObject().put("crypto", 2).put("handshakeOnWorker", true));
    TestNode.start(vertx, dataDir, cfg)
        .onComplete(
            ctx.succeeding(
                n -> {
                  node = n;
                  ctx.completeNow();
                }));
  }

  private static Future<AckStatus> sendOne(Vertx vertx, String id) {
    return DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice(id, Suite.P256_AES128GCM))
        .compose(d -> d.handshake().compose(t -> d.sendWithAck("t", "m")));
  }

  private static Future<AckStatus> withConsumer(
      Vertx vertx, io.vertx.core.Handler<io.vertx.core.eventbus.Message<JsonObject>> h, String id) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(Addresses.DELIVER, h);
    return c.completion().compose(v -> sendOne(vertx, id)).eventually(c::unregister);
  }

  /** Verifies that with no slmp.deliver consumer, the device's message is ACKed NOT_DELIVERED. */
  @Test
  void noConsumerMeansNotDelivered(Vertx vertx, VertxTestContext ctx) {
    // GIVEN no consumer on slmp.deliver
    // WHEN a device sends a message with ACK
    // THEN its ACK says NOT_DELIVERED
    sendOne(vertx, "qos-no-consumer")
        .onComplete(
            ctx.succeeding(
                s ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.NOT_DELIVERED, s);
                          ctx.completeNow();
                        })));
  }

  /** Verifies that a consumer's reply makes the ACK ACCEPTED. */
  @Test
  void replyMeansAccepted(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a consumer that replies
    // WHEN a device sends a message with ACK
    // THEN its ACK says ACCEPTED
    withConsumer(vertx, m -> m.reply("ok"), "qos-accept")
        .onComplete(
            ctx.succeeding(
                s ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.ACCEPTED, s);
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that an slmp.in observer that changes its body does not change the slmp.deliver
   * consumer's: the node hands its deliver body over without a copy, so it must still be a body no
   * observer can touch.
   */
  @Test
  void observersAndTheDeliverConsumerEachGetTheirOwnBody(Vertx vertx, VertxTestContext ctx) {
    // GIVEN an slmp.in observer that changes the body, and a deliver consumer on the same context:
    // the node publishes
    // before it asks slmp.deliver, so the observer has run when the consumer looks
    JsonObject[] delivered = new JsonObject[1];
    vertx
        .getOrCreateContext()
        .runOnContext(
            x -> {
              MessageConsumer<JsonObject> observer =
                  vertx
                      .eventBus()
                      .consumer(Addresses.IN, m -> m.body().put("device", "changed by observer"));
              // WHEN a device sends a message with ACK
              observer
                  .completion()
                  .compose(
                      v ->
                          withConsumer(
                              vertx,
                              m -> {
                                delivered[0] = m.body();
                                m.reply(null);
                              },
                              "qos-own-body"))
                  .eventually(observer::unregister)
                  .onComplete(
                      ctx.succeeding(
                          s ->
                              ctx.verify(
                                  () -> {
                                    // THEN the consumer's body is as the node built it
                                    assertEquals(AckStatus.ACCEPTED, s);
                                    assertEquals("qos-own-body", delivered[0].getString("device"));
                                    ctx.completeNow();
                                  })));
            });
  }

  /** Verifies that a consumer's failure with code 2 makes the ACK REJECTED. */
  @Test
  void failureCodeTwoMeansRejected(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a consumer that fails with code 2
    // WHEN a device sends a message with ACK
    // THEN its ACK says REJECTED
    withConsumer(vertx, m -> m.fail(Addresses.FAIL_REJECTED, "malformed reading"), "qos-reject")
        .onComplete(
            ctx.succeeding(
                s ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.REJECTED, s);
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that another failure code, or no answer within delivery.timeoutMs, makes the ACK
   * NOT_DELIVERED.
   */
  @Test
  void otherFailureOrSilenceMeansNotDelivered(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a consumer that fails with 500, then one that never answers
    // WHEN a device sends a message with ACK to each
    // THEN both ACKs say NOT_DELIVERED
    withConsumer(vertx, m -> m.fail(500, "database down"), "qos-fail")
        .compose(
            first ->
                withConsumer(vertx, m -> {}, "qos-silent")
                    .map(second -> new AckStatus[] {first, second}))
        .onComplete(
            ctx.succeeding(
                s ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.NOT_DELIVERED, s[0]);
                          assertEquals(
                              AckStatus.NOT_DELIVERED, s[1], "no answer within delivery.timeoutMs");
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that a second connection of a device closes the first NORMAL "taken over" and gets its
   * commands.
   */
  @Test
  void aSecondConnectionOfTheDeviceTakesOver(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a device with an established connection
    // WHEN it connects and completes a handshake a second time
    // THEN the first connection is closed NORMAL, and slmp.out.<id> reaches the new one
    var id = node.derivedDevice("twice", Suite.X25519_CHACHA20POLY1305);
    DeviceOnRaw.connect(vertx, node.port(), id)
        .compose(
            first ->
                first
                    .handshake()
                    .compose(t -> DeviceOnRaw.connect(vertx, node.port(), id))
                    .compose(
                        second ->
                            second
                                .handshake()
                                .compose(t -> first.raw.closeFrame())
                                .map(
                                    close -> {
                                      ctx.verify(
                                          () -> {
                                            assertEquals(
                                                CloseCode.NORMAL.code(),
                                                Close.decode(close.body()).code());
                                            assertTrue(
                                                new String(close.body(), 1, close.body().length - 1)
                                                    .contains("taken over"));
                                          });
                                      return second;
                                    }))
                    .compose(
                        second ->
                            TestNode.requestOut(
                                vertx, "twice", new JsonObject().put("payload", "aGk=")))
                    .map(
                        reply -> {
                          ctx.verify(
                              () ->
                                  assertEquals(
                                      "WRITTEN",
                                      reply.body().getString("status"),
                                      "slmp.out.<id> reaches the new connection"));
                          return reply;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Verifies that an established connection that stays silent is closed TIMEOUT after twice the
   * keepalive.
   */
  @Test
  void idleConnectionTimesOutAfterTwiceTheKeepalive(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a node with keepaliveSeconds 1 and an established device
    // WHEN it sends nothing
    // THEN it is closed TIMEOUT, not before 2 s
    long start = System.currentTimeMillis();
    DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice("sleepy", Suite.P256_FERNET))
        .compose(d -> d.handshake().compose(t -> d.raw.closeCode()))
        .onComplete(
            ctx.succeeding(
                code ->
                    ctx.verify(
                        () -> {
                          assertEquals(CloseCode.TIMEOUT.code(), code.intValue());
                          assertTrue(
                              System.currentTimeMillis() - start >= 2000,
                              "not before 2 x keepalive");
                          ctx.completeNow();
                        })));
  }
}
