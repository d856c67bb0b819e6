package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The limits of spec 9 through a running node: handshake timeout, connection and handshake caps, failed-auth rate. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class NodeLimitsTest {

  private static String reason(Frame close) {
    return new String(close.body(), 1, close.body().length - 1, StandardCharsets.UTF_8);
  }

  private static Future<AckStatus> goodMessage(Vertx vertx, TestNode node, String id) {
    DeviceIdentity d = node.derivedDevice(id, Suite.P256_FERNET);
    return DeviceOnRaw.connect(vertx, node.port(), d).compose(dev -> dev.handshake().compose(t -> dev.sendWithAck("t", "ok")));
  }

  @Test
  void silentConnectionGetsTimeout(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, new JsonObject().put("handshakeTimeoutMs", 300))
        .compose(node -> RawDevice.connect(vertx, node.port())
            .compose(RawDevice::closeCode)
            .compose(code -> {
              ctx.verify(() -> assertEquals(CloseCode.TIMEOUT.code(), code.intValue()));
              return goodMessage(vertx, node, "after-timeout");
            }))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, status);
          ctx.completeNow();
        })));
  }

  @Test
  void connectionsPastTheLimitGetBusyWithARetryHint(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, new JsonObject().put("limits", new JsonObject().put("maxConnections", 1)))
        .compose(node -> RawDevice.connect(vertx, node.port())
            .compose(first -> RawDevice.connect(vertx, node.port())
                .compose(RawDevice::closeFrame)
                .compose(close -> {
                  ctx.verify(() -> {
                    assertEquals(CloseCode.BUSY.code(), close.body()[0] & 0xFF);
                    assertTrue(reason(close).matches(".*retry in \\d+ s"), reason(close));
                  });
                  // The held connection ends: its slot is free again and a device is served.
                  return first.socket.close();
                })
                .compose(v -> vertx.timer(100))
                .compose(v -> goodMessage(vertx, node, "after-busy"))))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, status);
          ctx.completeNow();
        })));
  }

  @Test
  void handshakesInProgressPastTheLimitGetBusy(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, new JsonObject().put("limits", new JsonObject().put("maxHandshakes", 1)))
        .compose(node -> RawDevice.connect(vertx, node.port())
            .compose(stalled -> RawDevice.connect(vertx, node.port()).compose(RawDevice::closeCode)
                .compose(code -> {
                  ctx.verify(() -> assertEquals(CloseCode.BUSY.code(), code.intValue()));
                  return stalled.socket.close();
                }))
            .compose(v -> vertx.timer(100))
            .compose(v -> goodMessage(vertx, node, "after-handshake-limit")))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, status);
          ctx.completeNow();
        })));
  }

  @Test
  void repeatedFailedAuthenticationBlocksTheAddress(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    JsonObject limits = new JsonObject().put("limits", new JsonObject().put("failedAuthPerMinute", 2).put("failedAuthBlockSeconds", 30));
    TestNode.start(vertx, dir, limits).compose(node -> {
      DeviceIdentity real = node.derivedDevice("brute", Suite.X25519_CHACHA20POLY1305);
      DeviceIdentity forged = new DeviceIdentity("brute", new byte[32], real.suite(), real.serverPublicKey());
      Future<Integer> attempt1 = DeviceOnRaw.connect(vertx, node.port(), forged).compose(d -> {
        d.handshake();
        return d.raw.closeCode();
      });
      return attempt1
          .compose(c1 -> DeviceOnRaw.connect(vertx, node.port(), forged).compose(d -> {
            d.handshake();
            return d.raw.closeCode();
          }).map(c2 -> new int[] {c1, c2}))
          .compose(codes -> RawDevice.connect(vertx, node.port()).compose(RawDevice::closeFrame).map(close -> {
            ctx.verify(() -> {
              assertEquals(CloseCode.AUTH_FAILED.code(), codes[0]);
              assertEquals(CloseCode.AUTH_FAILED.code(), codes[1]);
              assertEquals(CloseCode.BUSY.code(), close.body()[0] & 0xFF, "third connection from the address is refused");
              assertTrue(reason(close).matches(".*retry in \\d+ s"), reason(close));
            });
            return node;
          }));
    }).onComplete(ctx.succeedingThenComplete());
  }
}
