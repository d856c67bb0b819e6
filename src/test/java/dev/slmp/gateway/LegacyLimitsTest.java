package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.testing.SeedCrypto;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.LegacyPeer;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy mode against the node's limits and settings: off by default (the same bytes get an SLMP/1 CLOSE at
 * once), refused at start without a secret, counted as failed authentications, timed out, counted as a
 * handshake in progress, and unanswered when no consumer accepts the message. One node per test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class LegacyLimitsTest {
  static final String SECRET = "my_secret";

  static JsonObject legacyOn(JsonObject more) {
    return new JsonObject().put("legacy", new JsonObject().put("enabled", true).put("secret", SECRET)).mergeIn(more, true);
  }

  /** Key exchange and a token with {@code secret}; completes when the node closed the connection. */
  static Future<LegacyPeer> attempt(Vertx vertx, TestNode node, String user, String secret) {
    return LegacyPeer.connect(vertx, node.port()).compose(p -> p.exchangeKeys().compose(k -> {
      try {
        return p.send(p.token(user, secret, "hi"));
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }).transform(ar -> p.closed()).map(p));
  }

  /** The CLOSE code a new SLMP/1 connection gets, once the node has closed it too. */
  static Future<Integer> refusedCode(Vertx vertx, TestNode node) {
    return RawDevice.connect(vertx, node.port()).compose(raw -> raw.closeCode().compose(c -> raw.socketClosed().map(c)));
  }

  /** A good SLMP/1 device's message and its ACK; its socket is closed before the test ends (see {@link #closed}). */
  static Future<AckStatus> goodDevice(Vertx vertx, TestNode node, String id) {
    DeviceIdentity dev = node.derivedDevice(id, Suite.X25519_CHACHA20POLY1305);
    return DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(d -> closed(d.raw.socket, d.handshake().compose(t -> d.sendWithAck("t", "ok"))));
  }

  /**
   * {@code result}, once {@code socket} is closed: no client connection is left open when the test's Vert.x
   * closes (a NetClient holding an open connection was seen to hang Vert.x 5.0.7's close now and then).
   */
  static <T> Future<T> closed(io.vertx.core.net.NetSocket socket, Future<T> result) {
    return result.transform(ar -> socket.close().transform(v -> ar.succeeded() ? Future.succeededFuture(ar.result())
        : Future.failedFuture(ar.cause())));
  }

  @Test
  void legacyOffByDefaultTheSameBytesGetAnSlmp1CloseAtOnce(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<JsonObject> inbound = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.IN, m -> inbound.add(m.body()));
    long[] started = new long[1];
    TestNode.start(vertx, dir, new JsonObject()).compose(node -> LegacyPeer.connect(vertx, node.port())
        .compose(p -> {
          started[0] = System.currentTimeMillis();
          return p.send(SeedCrypto.pem(p.keys.getPublic())).compose(v -> p.closed()).map(p);
        })
        .compose(p -> {
          long took = System.currentTimeMillis() - started[0];
          ctx.verify(() -> {
            assertNull(p.serverPem(), "no PEM key: nothing the old client could take for an answer");
            List<Frame> frames = new ArrayList<>();
            new FrameDecoder(1024).feed(p.receivedBytes(), f -> frames.add(f));
            assertEquals(1, frames.size(), "exactly one frame");
            assertEquals(FrameType.CLOSE, frames.get(0).type());
            // "----" reads as a header announcing 0x2D2D2D bytes: over maxBody, refused from the header (spec 2).
            assertEquals(CloseCode.FRAME_TOO_LARGE.code(), frames.get(0).body()[0] & 0xFF);
            assertTrue(took < 2500, "closed at once (linger included), took " + took + " ms");
            assertTrue(inbound.isEmpty());
          });
          return goodDevice(vertx, node, "after-legacy-off");
        }))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, s);
          ctx.completeNow();
        })));
  }

  @Test
  void enabledWithoutASecretStopsTheStartNamingTheKey(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, new JsonObject().put("legacy", new JsonObject().put("enabled", true)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("legacy.secret"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aSecretOfTheWrongTypeIsNotEchoed(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, new JsonObject().put("legacy", new JsonObject().put("enabled", true).put("secret", 987654321)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("legacy.secret"), e.getMessage());
          assertFalse(e.getMessage().contains("987654321"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void failedLegacyAttemptsBlockTheAddress(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    JsonObject conf = legacyOn(new JsonObject().put("limits", new JsonObject().put("failedAuthPerMinute", 2)));
    TestNode.start(vertx, dir, conf).compose(node -> attempt(vertx, node, "brute", "guess-1")
            .compose(p -> attempt(vertx, node, "brute", "guess-2"))
            .compose(p -> refusedCode(vertx, node)))
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertEquals(CloseCode.BUSY.code(), code.intValue(), "third connection from the address is refused");
          ctx.completeNow();
        })));
  }

  @Test
  void aStalledLegacyClientTimesOutAndCountsAsAFailure(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    JsonObject conf = legacyOn(new JsonObject().put("handshakeTimeoutMs", 300)
        .put("limits", new JsonObject().put("failedAuthPerMinute", 1)));
    TestNode.start(vertx, dir, conf).compose(node -> LegacyPeer.connect(vertx, node.port())
            .compose(p -> p.exchangeKeys().compose(k -> p.closed()).map(p))
            .compose(p -> {
              ctx.verify(() -> assertEquals("", p.afterKey()));
              return refusedCode(vertx, node);
            }))
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertEquals(CloseCode.BUSY.code(), code.intValue());
          ctx.completeNow();
        })));
  }

  @Test
  void aLegacyConnectionHoldsAHandshakeSlotUntilItsTokenArrives(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    JsonObject conf = legacyOn(new JsonObject().put("limits", new JsonObject().put("maxHandshakes", 1)));
    TestNode.start(vertx, dir, conf).compose(node -> LegacyPeer.connect(vertx, node.port())
            .compose(stalled -> stalled.exchangeKeys()
                .compose(k -> refusedCode(vertx, node))
                .compose(code -> {
                  ctx.verify(() -> assertEquals(CloseCode.BUSY.code(), code.intValue()));
                  return stalled.socket.close();
                }))
            .compose(v -> vertx.timer(100))
            .compose(v -> goodDevice(vertx, node, "after-legacy-slot")))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, s);
          ctx.completeNow();
        })));
  }

  @Test
  void aMessageNoConsumerAcceptedIsPublishedButNotAnswered(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<JsonObject> inbound = new CopyOnWriteArrayList<>();
    JsonObject conf = legacyOn(new JsonObject().put("inbox", new JsonObject().put("enabled", false)));
    vertx.eventBus().<JsonObject>consumer(Addresses.DELIVER, m -> m.fail(Addresses.FAIL_REJECTED, "no thanks"))
        .completion()
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.IN, m -> inbound.add(m.body())).completion())
        .compose(v -> TestNode.start(vertx, dir, conf))
        .compose(node -> attempt(vertx, node, "rejected-user", SECRET))
        .onComplete(ctx.succeeding(p -> ctx.verify(() -> {
          assertEquals("", p.afterKey(), "REJECTED: closed without the answer");
          assertEquals(1, inbound.stream().filter(m -> "rejected-user".equals(m.getString("device"))).count());
          ctx.completeNow();
        })));
  }
}
