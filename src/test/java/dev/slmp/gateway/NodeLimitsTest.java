package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of spec 9 through a running node: handshake timeout, connection and handshake caps,
 * failed-auth rate.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeLimitsTest {

  private static String reason(Frame close) {
    return new String(close.body(), 1, close.body().length - 1, StandardCharsets.UTF_8);
  }

  private static AckStatus goodMessage(Vertx vertx, TestNode node, String id) {
    DeviceOnRaw dev =
        await(DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice(id, Suite.P256_FERNET)));
    await(dev.handshake());
    return await(dev.sendWithAck("t", "ok"));
  }

  /** The AUTH_FAILED code of a handshake with {@code forged}'s key. */
  private static int failedAuth(Vertx vertx, TestNode node, DeviceIdentity forged) {
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), forged));
    d.handshake();
    return await(d.raw.closeCode());
  }

  /**
   * Verifies that a connection that sends nothing is closed TIMEOUT after handshakeTimeoutMs, and
   * others are served.
   */
  @Test
  void silentConnectionGetsTimeout(Vertx vertx, @TempDir Path dir) {
    // GIVEN a node with a 300 ms handshake timeout
    TestNode node =
        await(TestNode.start(vertx, dir, new JsonObject().put("handshakeTimeoutMs", 300)));
    // WHEN a connection stays silent
    RawDevice silent = await(RawDevice.connect(vertx, node.port()));
    // THEN the node closes it TIMEOUT, and still serves a device
    assertEquals(CloseCode.TIMEOUT.code(), await(silent.closeCode()));
    assertEquals(AckStatus.ACCEPTED, goodMessage(vertx, node, "after-timeout"));
  }

  /**
   * Verifies that a connection past maxConnections gets BUSY with a retry hint, and the slot frees
   * when one closes.
   */
  @Test
  void connectionsPastTheLimitGetBusyWithARetryHint(Vertx vertx, @TempDir Path dir) {
    // GIVEN a node that takes one connection, and holds one
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dir,
                new JsonObject().put("limits", new JsonObject().put("maxConnections", 1))));
    RawDevice first = await(RawDevice.connect(vertx, node.port()));
    // WHEN a second one connects
    Frame close = await(await(RawDevice.connect(vertx, node.port())).closeFrame());
    // THEN it is closed BUSY, with a retry hint
    assertEquals(CloseCode.BUSY.code(), close.body()[0] & 0xFF);
    assertTrue(reason(close).matches(".*retry in \\d+ s"), reason(close));
    // AND once the held connection ends and the node has counted it out, a device is served again
    await(first.socket.close());
    Eventually.until(
        () -> node.services().connections().openConnections() == 0,
        Await.TIMEOUT,
        "the slot is free");
    assertEquals(AckStatus.ACCEPTED, goodMessage(vertx, node, "after-busy"));
  }

  /**
   * Verifies that a handshake past maxHandshakes gets BUSY, and the slot frees when the stalled one
   * closes.
   */
  @Test
  void handshakesInProgressPastTheLimitGetBusy(Vertx vertx, @TempDir Path dir) {
    // GIVEN a node that takes one handshake at a time, and a connection stalled in its handshake
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dir,
                new JsonObject().put("limits", new JsonObject().put("maxHandshakes", 1))));
    RawDevice stalled = await(RawDevice.connect(vertx, node.port()));
    // WHEN a second one connects
    int code = await(await(RawDevice.connect(vertx, node.port())).closeCode());
    // THEN it is closed BUSY
    assertEquals(CloseCode.BUSY.code(), code);
    // AND once the stalled one ends and the node has counted it out, a device is served again
    await(stalled.socket.close());
    Eventually.until(
        () -> node.services().connections().handshakesInProgress() == 0,
        Await.TIMEOUT,
        "the slot is free");
    assertEquals(AckStatus.ACCEPTED, goodMessage(vertx, node, "after-handshake-limit"));
  }

  /**
   * Verifies that past failedAuthPerMinute, the next connection from the address is refused BUSY
   * with a retry hint.
   */
  @Test
  void repeatedFailedAuthenticationBlocksTheAddress(Vertx vertx, @TempDir Path dir) {
    // GIVEN a node that allows two failed authentications per minute
    JsonObject limits =
        new JsonObject()
            .put(
                "limits",
                new JsonObject().put("failedAuthPerMinute", 2).put("failedAuthBlockSeconds", 30));
    TestNode node = await(TestNode.start(vertx, dir, limits));
    DeviceIdentity real = node.derivedDevice("brute", Suite.X25519_CHACHA20POLY1305);
    DeviceIdentity forged =
        new DeviceIdentity("brute", new byte[32], real.suite(), real.serverPublicKey());
    // WHEN two handshakes with a wrong key fail
    assertEquals(CloseCode.AUTH_FAILED.code(), failedAuth(vertx, node, forged));
    assertEquals(CloseCode.AUTH_FAILED.code(), failedAuth(vertx, node, forged));
    // THEN a third connection from the address is refused at once, BUSY with a retry hint
    Frame close = await(await(RawDevice.connect(vertx, node.port())).closeFrame());
    assertEquals(
        CloseCode.BUSY.code(),
        close.body()[0] & 0xFF,
        "third connection from the address is refused");
    assertTrue(reason(close).matches(".*retry in \\d+ s"), reason(close));
  }
}
