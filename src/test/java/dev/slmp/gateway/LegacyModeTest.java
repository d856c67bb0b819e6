package dev.slmp.gateway;

import static dev.slmp.testkit.SlmpInRecorder.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testing.SeedCrypto;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.LegacyPeer;
import dev.slmp.testkit.SlmpInRecorder;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code legacy.enabled}: the prototype's client ({@link LegacyPeer}, written from spec
 * 10 on the JDK alone) gets its message delivered and answered; every bad input ends in a close
 * without answer and without delivery; SLMP/1 devices keep working on the same port meanwhile.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class LegacyModeTest {
  static final String SECRET = "my_secret";
  @TempDir static Path dataDir;
  static TestNode node;
  SlmpInRecorder inbound;

  @BeforeAll
  static void startNode(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf =
        new JsonObject()
            .put("handshakeTimeoutMs", 3000)
            .put("limits", new JsonObject().put("failedAuthPerMinute", 1000))
            .put("legacy", new JsonObject().put("enabled", true).put("secret", SECRET));
    TestNode.start(vertx, dataDir, conf)
        .onComplete(
            ctx.succeeding(
                n -> {
                  node = n;
                  ctx.completeNow();
                }));
  }

  @BeforeEach
  void listen(Vertx vertx, VertxTestContext ctx) {
    SlmpInRecorder.listen(vertx)
        .onComplete(
            ctx.succeeding(
                r -> {
                  inbound = r;
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void stopListening() {
    inbound.stop();
  }

  private List<JsonObject> from(String device) {
    return inbound.from(device);
  }

  /** One prototype client run: key exchange, the token in one write, the answer. */
  static Future<String> prototypeSend(Vertx vertx, String user, String secret, String message) {
    return LegacyPeer.connect(vertx, node.port())
        .compose(
            p ->
                p.exchangeKeys()
                    .compose(
                        k -> {
                          try {
                            return p.send(p.token(user, secret, message));
                          } catch (Exception e) {
                            return Future.failedFuture(e);
                          }
                        })
                    .compose(v -> p.answer()));
  }

  /**
   * Verifies that the prototype's client is answered "Message received: ...", and its message is
   * delivered and stored.
   */
  @Test
  void prototypeClientIsAnsweredAndItsMessageDelivered(Vertx vertx, VertxTestContext ctx) {
    // GIVEN the prototype's client, with the right secret
    // WHEN it sends "Hello SLMP!"
    prototypeSend(vertx, "user1", SECRET, "Hello SLMP!")
        .compose(answer -> inbound.first("user1").map(answer))
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          // THEN it is answered, and the message is on slmp.in once, as a legacy
                          // message
                          assertEquals("Message received: Hello SLMP!", answer);
                          List<JsonObject> got = from("user1");
                          assertEquals(
                              1, got.size(), "published once on slmp.in: " + inbound.all());
                          JsonObject m = got.get(0);
                          assertEquals("legacy", m.getString("topic"));
                          assertEquals("Hello SLMP!", text(m));
                          assertEquals(0L, m.getLong("seq"));
                          assertNull(m.getValue("session"));
                          // AND the answer means a consumer accepted it: the built-in inbox has it
                          // on disk already.
                          String inbox = Files.readString(dataDir.resolve("inbox.jsonl"));
                          assertTrue(
                              inbox.contains("\"device\":\"user1\"")
                                  && inbox.contains(m.getString("payload")),
                              inbox);
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that each legacy connection gets a fresh ephemeral P-256 key in PEM, never the node's
   * static key.
   */
  @Test
  void everyConnectionGetsAFreshEphemeralKeyNeverTheStaticOne(Vertx vertx, VertxTestContext ctx) {
    // GIVEN the node's static P-256 key
    byte[] staticKey = node.key(Suite.P256_FERNET).publicKey();
    // WHEN two prototype clients exchange keys
    Future<LegacyPeer> a =
        LegacyPeer.connect(vertx, node.port()).compose(p -> p.exchangeKeys().map(p));
    Future<LegacyPeer> b =
        LegacyPeer.connect(vertx, node.port()).compose(p -> p.exchangeKeys().map(p));
    Future.all(a, b)
        .compose(
            v -> {
              // THEN each got a different PEM key, and neither is the static key
              ctx.verify(
                  () -> {
                    String pemA = a.result().serverPem();
                    String pemB = b.result().serverPem();
                    assertTrue(
                        pemA.startsWith(SeedCrypto.BEGIN + "\n") && pemA.endsWith(SeedCrypto.END),
                        pemA);
                    assertNotEquals(pemA, pemB);
                    for (String pem : List.of(pemA, pemB)) {
                      java.security.spec.ECPoint w =
                          ((ECPublicKey) SeedCrypto.parsePem(pem)).getW();
                      byte[] point =
                          Bytes.concat(
                              new byte[] {4}, fixed(w.getAffineX()), fixed(w.getAffineY()));
                      assertNotEquals(
                          Bytes.hex(staticKey), Bytes.hex(point), "never the static P-256 key");
                    }
                  });
              return Future.all(a.result().socket.close(), b.result().socket.close());
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static byte[] fixed(java.math.BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  /**
   * Verifies that a token written in four pieces, 150 ms apart, is still taken whole and answered.
   */
  @Test
  void tokenInSeveralPiecesWithPausesStillWorks(Vertx vertx, VertxTestContext ctx) {
    // GIVEN the prototype's client after its key exchange
    // WHEN it writes its token in four pieces with pauses (its message holds more ';')
    LegacyPeer.connect(vertx, node.port())
        .compose(
            p ->
                p.exchangeKeys()
                    .compose(
                        k -> {
                          try {
                            return p.sendInPieces(
                                vertx, p.token("pieces", SECRET, "in; four; pieces"), 4, 150);
                          } catch (Exception e) {
                            return Future.failedFuture(e);
                          }
                        })
                    .compose(v -> p.answer()))
        .compose(answer -> inbound.first("pieces").map(answer))
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          // THEN it is answered and delivered, the message split from the token at
                          // the first two ';' only
                          assertEquals(
                              "Message received: in; four; pieces",
                              answer,
                              "split at the first two ';' only");
                          assertEquals("in; four; pieces", text(from("pieces").get(0)));
                          ctx.completeNow();
                        })));
  }

  /** A good SLMP/1 device gets its message ACCEPTED: the node still serves. */
  static Future<Void> stillServes(Vertx vertx, String deviceId) {
    DeviceIdentity good = node.derivedDevice(deviceId, Suite.P256_AES128GCM);
    return DeviceOnRaw.connect(vertx, node.port(), good)
        .compose(
            d ->
                LegacyLimitsTest.closed(
                    d.raw.socket, d.handshake().compose(t -> d.sendWithAck("t", "still serving"))))
        .compose(
            status ->
                status == AckStatus.ACCEPTED
                    ? Future.succeededFuture()
                    : Future.failedFuture("ack " + status));
  }

  /**
   * Runs one bad exchange (the WHEN of a test) and checks: closed, nothing after the server's key,
   * nothing delivered, once a later good device's message is on slmp.in.
   */
  private void expectNoAnswer(
      Vertx vertx,
      VertxTestContext ctx,
      String user,
      java.util.function.Function<LegacyPeer, Future<?>> exchange,
      boolean expectServerKey) {
    LegacyPeer.connect(vertx, node.port())
        .compose(p -> exchange.apply(p).transform(ar -> p.closed()).map(p))
        // A good device's message published after the close proves that the node has drained what
        // came before.
        .compose(
            p ->
                stillServes(vertx, "after-" + user)
                    .compose(v -> inbound.first("after-" + user))
                    .map(p))
        .onComplete(
            ctx.succeeding(
                p ->
                    ctx.verify(
                        () -> {
                          // THEN the node closed without answer and without delivering anything
                          assertEquals("", p.afterKey(), "no answer, no other bytes");
                          assertEquals(expectServerKey, p.serverPem() != null, "server key sent");
                          assertTrue(from(user).isEmpty(), "nothing delivered: " + inbound.all());
                          ctx.completeNow();
                        })));
  }

  /** Verifies that a token made with the wrong secret is closed without answer or delivery. */
  @Test
  void wrongSecretClosesWithoutAnswer(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends a token made with a wrong
    // secret; THEN (in expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(
        vertx,
        ctx,
        "wrong-secret",
        p ->
            p.exchangeKeys()
                .compose(
                    k -> {
                      try {
                        return p.send(p.token("wrong-secret", "not_the_secret", "let me in"));
                      } catch (Exception e) {
                        return Future.failedFuture(e);
                      }
                    }),
        true);
  }

  /** Verifies that a token with one character changed is closed without answer or delivery. */
  @Test
  void corruptedTokenClosesWithoutAnswer(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends a token with one character
    // changed; THEN (in expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(
        vertx,
        ctx,
        "corrupted",
        p ->
            p.exchangeKeys()
                .compose(
                    k -> {
                      try {
                        char[] t = p.token("corrupted", SECRET, "flip").toCharArray();
                        int i = t.length / 2;
                        t[i] = t[i] == 'A' ? 'B' : 'A';
                        return p.send(new String(t));
                      } catch (Exception e) {
                        return Future.failedFuture(e);
                      }
                    }),
        true);
  }

  /**
   * Verifies that a client key off the P-256 curve is refused before the node sends its own key.
   */
  @Test
  void offCurvePointIsRefusedBeforeAnyKeyIsSent(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends a PEM key whose point is off
    // the curve; THEN (in expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(
        vertx,
        ctx,
        "off-curve",
        p -> p.send(SeedCrypto.pem(SeedCrypto.offCurveSpki(p.keys.getPublic()))),
        false);
  }

  /**
   * Verifies that a client key on another curve (P-384) is refused before the node sends its own
   * key.
   */
  @Test
  void otherCurveIsRefused(Vertx vertx, VertxTestContext ctx) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    String p384 = SeedCrypto.pem(g.generateKeyPair().getPublic());
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends a PEM key on P-384; THEN (in
    // expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(vertx, ctx, "p384", p -> p.send(p384), false);
  }

  /** Verifies that a token longer than 4096 characters is closed without answer or delivery. */
  @Test
  void oversizeTokenClosesWithoutAnswer(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends a token of more than 4096
    // characters; THEN (in expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(
        vertx,
        ctx,
        "oversize",
        p ->
            p.exchangeKeys()
                .compose(
                    k -> {
                      try {
                        String token = p.token("oversize", SECRET, "x".repeat(4000));
                        assertTrue(token.length() > 4096);
                        return p.send(token);
                      } catch (Exception e) {
                        return Future.failedFuture(e);
                      }
                    }),
        true);
  }

  /**
   * Verifies that bytes that start like a PEM key but are not one are closed without anything sent.
   */
  @Test
  void garbageAfterTheDashClosesWithoutAnything(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends "-" and then an HTTP
    // request; THEN (in expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(vertx, ctx, "garbage", p -> p.send("-GET / HTTP/1.1\r\n\r\n"), false);
  }

  /**
   * Verifies that a legacy user whose name is a revoked device is closed without answer or
   * delivery.
   */
  @Test
  void revokedDeviceNameIsRefused(Vertx vertx, VertxTestContext ctx) throws Exception {
    node.services().data().registry().add("revoked-legacy");
    node.services().data().registry().revoke("revoked-legacy");
    // GIVEN a prototype client on a legacy-enabled node; WHEN it sends a right token for a revoked
    // device name; THEN (in expectNoAnswer) no answer,
    // no delivery
    expectNoAnswer(
        vertx,
        ctx,
        "revoked-legacy",
        p ->
            p.exchangeKeys()
                .compose(
                    k -> {
                      try {
                        return p.send(p.token("revoked-legacy", SECRET, "still here"));
                      } catch (Exception e) {
                        return Future.failedFuture(e);
                      }
                    }),
        true);
  }

  /**
   * Verifies that SLMP/1 devices and good and bad legacy clients on the same port, at the same
   * time, each get their due.
   */
  @Test
  void slmp1DevicesKeepWorkingWhileLegacyConnectionsComeAndGo(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a legacy-enabled node
    // WHEN five SLMP/1 devices, five good and five bad legacy clients send at once
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String n = Integer.toString(i);
      DeviceIdentity dev =
          node.derivedDevice(
              "slmp1-" + n, i % 2 == 0 ? Suite.P256_FERNET : Suite.X25519_CHACHA20POLY1305);
      all.add(
          DeviceOnRaw.connect(vertx, node.port(), dev)
              .compose(
                  d ->
                      LegacyLimitsTest.closed(
                          d.raw.socket,
                          d.handshake().compose(t -> d.sendWithAck("t", "slmp1 " + n))))
              .compose(
                  s ->
                      s == AckStatus.ACCEPTED
                          ? Future.succeededFuture()
                          : Future.failedFuture("ack " + s)));
      all.add(
          prototypeSend(vertx, "legacy-" + n, SECRET, "legacy " + n)
              .compose(
                  a ->
                      a.equals("Message received: legacy " + n)
                          ? Future.succeededFuture()
                          : Future.failedFuture(a)));
      all.add(
          prototypeSend(vertx, "legacy-bad-" + n, "wrong", "no")
              .transform(ar -> Future.succeededFuture()));
    }
    // A good device's message after all of them proves that the node has drained what came before.
    Future.all(all)
        .compose(v -> stillServes(vertx, "after-mix"))
        .compose(v -> inbound.first("after-mix"))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          // THEN every SLMP/1 and every good legacy message was delivered once, no
                          // bad one, and no slot leaked
                          for (int i = 0; i < 5; i++) {
                            assertEquals(1, from("slmp1-" + i).size());
                            assertEquals("legacy " + i, text(from("legacy-" + i).get(0)));
                            assertTrue(from("legacy-bad-" + i).isEmpty());
                          }
                          assertEquals(
                              0,
                              node.services().connections().handshakesInProgress(),
                              "no handshake slot leaked");
                          ctx.completeNow();
                        })));
  }
}
