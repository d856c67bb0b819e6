package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.testing.SeedCrypto;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.LegacyPeer;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.SlmpInRecorder;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy mode against the node's limits and settings: off by default (the same bytes get an SLMP/1
 * CLOSE at once), refused at start without a secret, counted as failed authentications, timed out,
 * counted as a handshake in progress, and unanswered when no consumer accepts the message. One node
 * per test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LegacyLimitsTest {
  static final String SECRET = "my_secret";

  static JsonObject legacyOn(JsonObject more) {
    return new JsonObject()
        .put("legacy", new JsonObject().put("enabled", true).put("secret", SECRET))
        .mergeIn(more, true);
  }

  /** Key exchange and a token with {@code secret}; returns once the node closed the connection. */
  static LegacyPeer attempt(Vertx vertx, TestNode node, String user, String secret)
      throws Exception {
    LegacyPeer p = await(LegacyPeer.connect(vertx, node.port()));
    await(p.exchangeKeys());
    p.send(p.token(user, secret, "hi"));
    await(p.closed());
    return p;
  }

  /** The CLOSE code a new SLMP/1 connection gets, once the node has closed it too. */
  static int refusedCode(Vertx vertx, TestNode node) {
    RawDevice raw = await(RawDevice.connect(vertx, node.port()));
    int code = await(raw.closeCode());
    await(raw.socketClosed());
    return code;
  }

  /**
   * A good SLMP/1 device's message and its ACK; its socket is closed before the test ends (see
   * {@link #closed}).
   */
  static Future<AckStatus> goodDevice(Vertx vertx, TestNode node, String id) {
    DeviceIdentity dev = node.derivedDevice(id, Suite.X25519_CHACHA20POLY1305);
    return DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(d -> closed(d.raw.socket, d.handshake().compose(t -> d.sendWithAck("t", "ok"))));
  }

  /**
   * {@code result}, once {@code socket} is closed: no client connection is left open when the
   * test's Vert.x closes (a NetClient holding an open connection was seen to hang Vert.x 5.0.7's
   * close now and then).
   */
  static <T> Future<T> closed(io.vertx.core.net.NetSocket socket, Future<T> result) {
    return result.transform(
        ar ->
            socket
                .close()
                .transform(
                    v ->
                        ar.succeeded()
                            ? Future.succeededFuture(ar.result())
                            : Future.failedFuture(ar.cause())));
  }

  /**
   * Verifies that with legacy mode off, the prototype's first bytes get an SLMP/1 CLOSE at once and
   * nothing more.
   */
  @Test
  void legacyOffByDefaultTheSameBytesGetAnSlmp1CloseAtOnce(Vertx vertx, @TempDir Path dir)
      throws Exception {
    // GIVEN a node with the defaults (legacy off)
    SlmpInRecorder inbound = await(SlmpInRecorder.listen(vertx));
    TestNode node = await(TestNode.start(vertx, dir, new JsonObject()));
    LegacyPeer p = await(LegacyPeer.connect(vertx, node.port()));
    // WHEN the prototype's client sends its PEM key
    long started = System.currentTimeMillis();
    await(p.send(SeedCrypto.pem(p.keys.getPublic())));
    await(p.closed());
    long took = System.currentTimeMillis() - started;
    // THEN the node sends exactly one SLMP/1 CLOSE, no PEM key, and closes at once
    assertNull(p.serverPem(), "no PEM key: nothing the old client could take for an answer");
    List<Frame> frames = new ArrayList<>();
    new FrameDecoder(1024).feed(p.receivedBytes(), f -> frames.add(f));
    assertEquals(1, frames.size(), "exactly one frame");
    assertEquals(FrameType.CLOSE, frames.get(0).type());
    // "----" reads as a header announcing 0x2D2D2D bytes: over maxBody, refused from the header
    // (spec 2).
    assertEquals(CloseCode.FRAME_TOO_LARGE.code(), frames.get(0).body()[0] & 0xFF);
    assertTrue(took < 2500, "closed at once (linger included), took " + took + " ms");
    // AND a good device is served, and its message is the only one on slmp.in
    assertEquals(AckStatus.ACCEPTED, await(goodDevice(vertx, node, "after-legacy-off")));
    await(inbound.first("after-legacy-off"));
    assertEquals(1, inbound.all().size(), inbound.all().toString());
  }

  /** Verifies that legacy mode enabled without a secret stops the node's start, naming the key. */
  @Test
  void enabledWithoutASecretStopsTheStartNamingTheKey(Vertx vertx, @TempDir Path dir) {
    // GIVEN legacy.enabled and no legacy.secret
    // WHEN the node starts
    Throwable e =
        failure(
            TestNode.start(
                vertx, dir, new JsonObject().put("legacy", new JsonObject().put("enabled", true))));
    // THEN the start fails, naming the key
    assertTrue(e.getMessage().contains("legacy.secret"), e.getMessage());
  }

  /**
   * Verifies that a legacy secret of the wrong type stops the start without the value in the
   * message.
   */
  @Test
  void aSecretOfTheWrongTypeIsNotEchoed(Vertx vertx, @TempDir Path dir) {
    // GIVEN a number as legacy.secret
    // WHEN the node starts
    Throwable e =
        failure(
            TestNode.start(
                vertx,
                dir,
                new JsonObject()
                    .put(
                        "legacy", new JsonObject().put("enabled", true).put("secret", 987654321))));
    // THEN the start fails naming the key, not its value
    assertTrue(e.getMessage().contains("legacy.secret"), e.getMessage());
    assertFalse(e.getMessage().contains("987654321"), e.getMessage());
  }

  /**
   * Verifies that failed legacy attempts count as failed authentications: the address is then
   * refused BUSY.
   */
  @Test
  void failedLegacyAttemptsBlockTheAddress(Vertx vertx, @TempDir Path dir) throws Exception {
    // GIVEN a legacy node that allows two failed authentications per minute
    JsonObject conf =
        legacyOn(new JsonObject().put("limits", new JsonObject().put("failedAuthPerMinute", 2)));
    TestNode node = await(TestNode.start(vertx, dir, conf));
    // WHEN two legacy attempts with a wrong secret fail
    attempt(vertx, node, "brute", "guess-1");
    attempt(vertx, node, "brute", "guess-2");
    // THEN a third connection from the address is refused
    assertEquals(
        CloseCode.BUSY.code(),
        refusedCode(vertx, node),
        "third connection from the address is refused");
  }

  /**
   * Verifies that a legacy client that stalls after the key exchange is timed out and counted as a
   * failure.
   */
  @Test
  void aStalledLegacyClientTimesOutAndCountsAsAFailure(Vertx vertx, @TempDir Path dir) {
    // GIVEN a legacy node with a 300 ms handshake timeout that allows one failed authentication per
    // minute
    JsonObject conf =
        legacyOn(
            new JsonObject()
                .put("handshakeTimeoutMs", 300)
                .put("limits", new JsonObject().put("failedAuthPerMinute", 1)));
    TestNode node = await(TestNode.start(vertx, dir, conf));
    // WHEN a legacy client exchanges keys and then sends nothing
    LegacyPeer p = await(LegacyPeer.connect(vertx, node.port()));
    await(p.exchangeKeys());
    await(p.closed());
    // THEN it was closed without anything after the key, and the next connection from the address
    // is refused
    assertEquals("", p.afterKey());
    assertEquals(CloseCode.BUSY.code(), refusedCode(vertx, node));
  }

  /**
   * Verifies that a legacy connection holds a handshake slot until its token arrives, and frees it
   * when it ends.
   */
  @Test
  void aLegacyConnectionHoldsAHandshakeSlotUntilItsTokenArrives(Vertx vertx, @TempDir Path dir) {
    // GIVEN a legacy node that takes one handshake at a time, and a legacy client stalled after its
    // key exchange
    JsonObject conf =
        legacyOn(new JsonObject().put("limits", new JsonObject().put("maxHandshakes", 1)));
    TestNode node = await(TestNode.start(vertx, dir, conf));
    LegacyPeer stalled = await(LegacyPeer.connect(vertx, node.port()));
    await(stalled.exchangeKeys());
    // WHEN another connection arrives
    // THEN it is refused BUSY
    assertEquals(CloseCode.BUSY.code(), refusedCode(vertx, node));
    // AND once the stalled one ends and the node has counted it out, a device is served again
    await(stalled.socket.close());
    Eventually.until(
        () -> node.services().connections().handshakesInProgress() == 0,
        Await.TIMEOUT,
        "the slot is free");
    assertEquals(AckStatus.ACCEPTED, await(goodDevice(vertx, node, "after-legacy-slot")));
  }

  /**
   * Verifies that a legacy message no consumer accepted is published on slmp.in but not answered.
   */
  @Test
  void aMessageNoConsumerAcceptedIsPublishedButNotAnswered(Vertx vertx, @TempDir Path dir)
      throws Exception {
    // GIVEN a legacy node without inbox, whose slmp.deliver consumer rejects everything
    JsonObject conf =
        legacyOn(new JsonObject().put("inbox", new JsonObject().put("enabled", false)));
    await(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.DELIVER, m -> m.fail(Addresses.FAIL_REJECTED, "no thanks"))
            .completion());
    SlmpInRecorder inbound = await(SlmpInRecorder.listen(vertx));
    TestNode node = await(TestNode.start(vertx, dir, conf));
    // WHEN a legacy client sends a right token
    LegacyPeer p = attempt(vertx, node, "rejected-user", SECRET);
    // THEN it is closed without an answer, and the message was published once
    assertEquals("", p.afterKey(), "REJECTED: closed without the answer");
    await(inbound.first("rejected-user"));
    assertEquals(1, inbound.from("rejected-user").size());
  }
}
