package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verticles.p256HandshakeOnWorker}, on (P-256 HELLOs computed on worker threads) and off
 * (all on the event loop): every suite completes its handshake and gets its message accepted, and a
 * P-256 HELLO with a point off the curve gets CLOSE(PROTOCOL_ERROR) either way, the node still
 * serving.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class P256HandshakePlacementTest {
  @TempDir Path dataDir;

  /**
   * Verifies that with P-256 handshakes on worker threads an off-curve HELLO is PROTOCOL_ERROR and
   * every suite is served.
   */
  @Test
  void onWorkers(Vertx vertx, VertxTestContext ctx) {
    // GIVEN p256HandshakeOnWorker true
    // WHEN (in check) an off-curve HELLO, then a device of each suite
    // THEN PROTOCOL_ERROR for the first, ACCEPTED for the others
    check(vertx, ctx, true);
  }

  /**
   * Verifies that with P-256 handshakes on the event loop an off-curve HELLO is PROTOCOL_ERROR and
   * every suite is served.
   */
  @Test
  void onTheEventLoop(Vertx vertx, VertxTestContext ctx) {
    // GIVEN p256HandshakeOnWorker false
    // WHEN (in check) an off-curve HELLO, then a device of each suite
    // THEN PROTOCOL_ERROR for the first, ACCEPTED for the others
    check(vertx, ctx, false);
  }

  private void check(Vertx vertx, VertxTestContext ctx, boolean onWorker) {
    JsonObject cfg =
        new JsonObject()
            .put("inbox", new JsonObject().put("enabled", false))
            .put("verticles", new JsonObject().put("p256HandshakeOnWorker", onWorker));
    vertx
        .eventBus()
        .consumer(Addresses.DELIVER, m -> m.reply(null))
        .completion()
        .compose(v -> TestNode.start(vertx, dataDir, cfg))
        .compose(
            node ->
                offCurveHello(vertx, node)
                    .compose(
                        code -> {
                          ctx.verify(
                              () ->
                                  assertEquals(
                                      CloseCode.PROTOCOL_ERROR.code(),
                                      code.intValue(),
                                      "off-curve e_c"));
                          return sendOn(vertx, node, Suite.P256_FERNET);
                        })
                    .compose(s -> sendOn(vertx, node, Suite.P256_AES128GCM))
                    .compose(s -> sendOn(vertx, node, Suite.X25519_CHACHA20POLY1305)))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Integer> offCurveHello(Vertx vertx, TestNode node) {
    return DeviceOnRaw.connect(
            vertx, node.port(), node.derivedDevice("off-curve", Suite.P256_AES128GCM))
        .compose(
            d -> {
              d.tamper =
                  frame -> {
                    if (Frame.typeOf(frame) != FrameType.HELLO) {
                      return frame;
                    }
                    byte[] bad = frame.clone();
                    bad[bad.length - 1] ^= 1; // y no longer matches x: off the curve
                    return bad;
                  };
              d.handshake();
              return d.raw.closeCode();
            });
  }

  private static Future<AckStatus> sendOn(Vertx vertx, TestNode node, Suite suite) {
    return DeviceOnRaw.connect(
            vertx, node.port(), node.derivedDevice("placement-" + suite.id(), suite))
        .compose(d -> d.handshake().compose(t -> d.sendWithAck("t", "m")))
        .compose(
            s ->
                s == AckStatus.ACCEPTED
                    ? Future.succeededFuture(s)
                    : Future.failedFuture(suite + ": ACK " + s));
  }
}
