package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.testing.SeedCrypto;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code legacy.enabled}: the prototype's client ({@link LegacyPeer}, written from spec 10 on the
 * JDK alone) gets its message delivered and answered; every bad input ends in a close without answer and
 * without delivery; SLMP/1 devices keep working on the same port meanwhile.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class LegacyModeTest {
  static final String SECRET = "my_secret";
  @TempDir
  static Path dataDir;
  static TestNode node;
  final List<JsonObject> inbound = new CopyOnWriteArrayList<>();
  MessageConsumer<JsonObject> inConsumer;

  @BeforeAll
  static void startNode(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = new JsonObject()
        .put("handshakeTimeoutMs", 3000)
        .put("limits", new JsonObject().put("failedAuthPerMinute", 1000))
        .put("legacy", new JsonObject().put("enabled", true).put("secret", SECRET));
    TestNode.start(vertx, dataDir, conf).onComplete(ctx.succeeding(n -> {
      node = n;
      ctx.completeNow();
    }));
  }

  @BeforeEach
  void listen(Vertx vertx, VertxTestContext ctx) {
    inConsumer = vertx.eventBus().consumer(Addresses.IN, m -> inbound.add(m.body()));
    inConsumer.completion().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopListening() {
    inConsumer.unregister();
  }

  private List<JsonObject> from(String device) {
    return inbound.stream().filter(m -> device.equals(m.getString("device"))).toList();
  }

  private static String text(JsonObject m) {
    return new String(Base64.getDecoder().decode(m.getString("payload")), StandardCharsets.UTF_8);
  }

  /** One prototype client run: key exchange, the token in one write, the answer. */
  static Future<String> prototypeSend(Vertx vertx, String user, String secret, String message) {
    return LegacyPeer.connect(vertx, node.port()).compose(p -> p.exchangeKeys()
        .compose(k -> {
          try {
            return p.send(p.token(user, secret, message));
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        })
        .compose(v -> p.answer()));
  }

  @Test
  void prototypeClientIsAnsweredAndItsMessageDelivered(Vertx vertx, VertxTestContext ctx) {
    prototypeSend(vertx, "user1", SECRET, "Hello SLMP!").onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
      assertEquals("Message received: Hello SLMP!", answer);
      List<JsonObject> got = from("user1");
      assertEquals(1, got.size(), "published once on slmp.in: " + inbound);
      JsonObject m = got.get(0);
      assertEquals("legacy", m.getString("topic"));
      assertEquals("Hello SLMP!", text(m));
      assertEquals(0L, m.getLong("seq"));
      assertNull(m.getValue("session"));
      // The answer means a consumer accepted it: the built-in inbox has it on disk already.
      String inbox = Files.readString(dataDir.resolve("inbox.jsonl"));
      assertTrue(inbox.contains("\"device\":\"user1\"") && inbox.contains(m.getString("payload")), inbox);
      ctx.completeNow();
    })));
  }

  @Test
  void everyConnectionGetsAFreshEphemeralKeyNeverTheStaticOne(Vertx vertx, VertxTestContext ctx) {
    byte[] staticKey = node.key(Suite.P256_FERNET).publicKey();
    Future<LegacyPeer> a = LegacyPeer.connect(vertx, node.port()).compose(p -> p.exchangeKeys().map(p));
    Future<LegacyPeer> b = LegacyPeer.connect(vertx, node.port()).compose(p -> p.exchangeKeys().map(p));
    Future.all(a, b).compose(v -> {
      ctx.verify(() -> {
        String pemA = a.result().serverPem();
        String pemB = b.result().serverPem();
        assertTrue(pemA.startsWith(SeedCrypto.BEGIN + "\n") && pemA.endsWith(SeedCrypto.END), pemA);
        assertNotEquals(pemA, pemB);
        for (String pem : List.of(pemA, pemB)) {
          java.security.spec.ECPoint w = ((ECPublicKey) SeedCrypto.parsePem(pem)).getW();
          byte[] point = Bytes.concat(new byte[] {4}, fixed(w.getAffineX()), fixed(w.getAffineY()));
          assertNotEquals(Bytes.hex(staticKey), Bytes.hex(point), "never the static P-256 key");
        }
      });
      return Future.all(a.result().socket.close(), b.result().socket.close());
    }).onComplete(ctx.succeedingThenComplete());
  }

  private static byte[] fixed(java.math.BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  @Test
  void tokenInSeveralPiecesWithPausesStillWorks(Vertx vertx, VertxTestContext ctx) {
    LegacyPeer.connect(vertx, node.port())
        .compose(p -> p.exchangeKeys().compose(k -> {
          try {
            return p.sendInPieces(vertx, p.token("pieces", SECRET, "in; four; pieces"), 4, 150);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        }).compose(v -> p.answer()))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals("Message received: in; four; pieces", answer, "split at the first two ';' only");
          assertEquals("in; four; pieces", text(from("pieces").get(0)));
          ctx.completeNow();
        })));
  }

  /** A good SLMP/1 device gets its message ACCEPTED: the node still serves. */
  static Future<Void> stillServes(Vertx vertx, String deviceId) {
    DeviceIdentity good = node.derivedDevice(deviceId, Suite.P256_AES128GCM);
    return DeviceOnRaw.connect(vertx, node.port(), good)
        .compose(d -> LegacyLimitsTest.closed(d.raw.socket, d.handshake().compose(t -> d.sendWithAck("t", "still serving"))))
        .compose(status -> status == AckStatus.ACCEPTED ? Future.succeededFuture() : Future.failedFuture("ack " + status));
  }

  /** Runs one bad exchange and checks: closed, nothing after the server's key, nothing delivered. */
  private void expectNoAnswer(Vertx vertx, VertxTestContext ctx, String user, java.util.function.Function<LegacyPeer, Future<?>> exchange,
      boolean expectServerKey) {
    LegacyPeer.connect(vertx, node.port())
        .compose(p -> exchange.apply(p).transform(ar -> p.closed()).map(p))
        .compose(p -> vertx.timer(200).map(p)) // anything published would have arrived by now
        .compose(p -> {
          ctx.verify(() -> {
            assertEquals("", p.afterKey(), "no answer, no other bytes");
            assertEquals(expectServerKey, p.serverPem() != null, "server key sent");
            assertTrue(from(user).isEmpty(), "nothing delivered: " + inbound);
          });
          return stillServes(vertx, "after-" + user);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void wrongSecretClosesWithoutAnswer(Vertx vertx, VertxTestContext ctx) {
    expectNoAnswer(vertx, ctx, "wrong-secret", p -> p.exchangeKeys().compose(k -> {
      try {
        return p.send(p.token("wrong-secret", "not_the_secret", "let me in"));
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }), true);
  }

  @Test
  void corruptedTokenClosesWithoutAnswer(Vertx vertx, VertxTestContext ctx) {
    expectNoAnswer(vertx, ctx, "corrupted", p -> p.exchangeKeys().compose(k -> {
      try {
        char[] t = p.token("corrupted", SECRET, "flip").toCharArray();
        int i = t.length / 2;
        t[i] = t[i] == 'A' ? 'B' : 'A';
        return p.send(new String(t));
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }), true);
  }

  @Test
  void offCurvePointIsRefusedBeforeAnyKeyIsSent(Vertx vertx, VertxTestContext ctx) {
    expectNoAnswer(vertx, ctx, "off-curve", p -> p.send(SeedCrypto.pem(SeedCrypto.offCurveSpki(p.keys.getPublic()))), false);
  }

  @Test
  void otherCurveIsRefused(Vertx vertx, VertxTestContext ctx) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    String p384 = SeedCrypto.pem(g.generateKeyPair().getPublic());
    expectNoAnswer(vertx, ctx, "p384", p -> p.send(p384), false);
  }

  @Test
  void oversizeTokenClosesWithoutAnswer(Vertx vertx, VertxTestContext ctx) {
    expectNoAnswer(vertx, ctx, "oversize", p -> p.exchangeKeys().compose(k -> {
      try {
        String token = p.token("oversize", SECRET, "x".repeat(4000));
        assertTrue(token.length() > 4096);
        return p.send(token);
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }), true);
  }

  @Test
  void garbageAfterTheDashClosesWithoutAnything(Vertx vertx, VertxTestContext ctx) {
    expectNoAnswer(vertx, ctx, "garbage", p -> p.send("-GET / HTTP/1.1\r\n\r\n"), false);
  }

  @Test
  void revokedDeviceNameIsRefused(Vertx vertx, VertxTestContext ctx) throws Exception {
    node.node.services().data().registry().add("revoked-legacy");
    node.node.services().data().registry().revoke("revoked-legacy");
    expectNoAnswer(vertx, ctx, "revoked-legacy", p -> p.exchangeKeys().compose(k -> {
      try {
        return p.send(p.token("revoked-legacy", SECRET, "still here"));
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }), true);
  }

  @Test
  void slmp1DevicesKeepWorkingWhileLegacyConnectionsComeAndGo(Vertx vertx, VertxTestContext ctx) {
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String n = Integer.toString(i);
      DeviceIdentity dev = node.derivedDevice("slmp1-" + n, i % 2 == 0 ? Suite.P256_FERNET : Suite.X25519_CHACHA20POLY1305);
      all.add(DeviceOnRaw.connect(vertx, node.port(), dev)
          .compose(d -> LegacyLimitsTest.closed(d.raw.socket, d.handshake().compose(t -> d.sendWithAck("t", "slmp1 " + n))))
          .compose(s -> s == AckStatus.ACCEPTED ? Future.succeededFuture() : Future.failedFuture("ack " + s)));
      all.add(prototypeSend(vertx, "legacy-" + n, SECRET, "legacy " + n)
          .compose(a -> a.equals("Message received: legacy " + n) ? Future.succeededFuture() : Future.failedFuture(a)));
      all.add(prototypeSend(vertx, "legacy-bad-" + n, "wrong", "no").transform(ar -> Future.succeededFuture()));
    }
    Future.all(all).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      for (int i = 0; i < 5; i++) {
        assertEquals(1, from("slmp1-" + i).size());
        assertEquals("legacy " + i, text(from("legacy-" + i).get(0)));
        assertTrue(from("legacy-bad-" + i).isEmpty());
      }
      assertEquals(0, node.node.services().connections().handshakesInProgress(), "no handshake slot leaked");
      ctx.completeNow();
    })));
  }
}
