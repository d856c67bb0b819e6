package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.FrameType;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.SlmpInRecorder;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input the spec names reaches the device as its CLOSE code through a running node, and
 * the node keeps serving other devices afterwards (each test ends with a good device's message
 * being ACCEPTED).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeBadInputTest {
  @TempDir static Path dataDir;
  static TestNode node;
  SlmpInRecorder inbound;

  @BeforeAll
  static void startNode(Vertx vertx) {
    node = await(TestNode.start(vertx, dataDir, new JsonObject()));
  }

  @BeforeEach
  void listen(Vertx vertx) {
    inbound = await(SlmpInRecorder.listen(vertx));
  }

  @AfterEach
  void stopListening() {
    await(inbound.stop());
  }

  /**
   * A good device completes a handshake and gets its message ACCEPTED: the node still serves.
   * Returns once its message is on slmp.in, so anything an earlier, closed connection published is
   * there too.
   */
  void nodeStillServes(Vertx vertx, String deviceId) {
    DeviceIdentity good = node.derivedDevice(deviceId, Suite.X25519_CHACHA20POLY1305);
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), good));
    await(d.handshake());
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "still serving")));
    await(inbound.first(deviceId));
  }

  /**
   * Messages of {@code device} on slmp.in, once the node proved it drained (a later device's
   * message arrived).
   */
  List<JsonObject> deliveredAfterDrain(Vertx vertx, String device) {
    nodeStillServes(vertx, "after-" + device);
    return inbound.from(device);
  }

  /** Sends {@code bytes} on a fresh connection and returns the node's CLOSE code. */
  private static int closeCodeFor(Vertx vertx, byte[] bytes) {
    RawDevice raw = await(RawDevice.connect(vertx, node.port()));
    await(raw.send(bytes));
    return await(raw.closeCode());
  }

  /** Verifies that an unknown frame type is closed PROTOCOL_ERROR. */
  @Test
  void unknownFrameTypeIsProtocolError(Vertx vertx) {
    // GIVEN a fresh connection
    // WHEN it sends a frame of type 0x07
    int code = closeCodeFor(vertx, Bytes.unhex("07000000"));
    // THEN the node closes PROTOCOL_ERROR and still serves others
    assertEquals(CloseCode.PROTOCOL_ERROR.code(), code);
    nodeStillServes(vertx, "after-unknown-type");
  }

  /**
   * Verifies that a frame header announcing more than the limit is closed FRAME_TOO_LARGE from the
   * header alone.
   */
  @Test
  void oversizeLengthIsRefusedFromTheHeaderAlone(Vertx vertx) {
    // GIVEN a fresh connection
    // WHEN it sends only a header announcing 65,537 bytes
    int code = closeCodeFor(vertx, Bytes.unhex("01010001"));
    // THEN the node closes FRAME_TOO_LARGE without waiting for the body
    assertEquals(CloseCode.FRAME_TOO_LARGE.code(), code);
    nodeStillServes(vertx, "after-oversize");
  }

  /** Verifies that non-SLMP bytes (an HTTP request) get a CLOSE and then the socket is closed. */
  @Test
  void garbageIsProtocolErrorAndTheSocketCloses(Vertx vertx) {
    // GIVEN a fresh connection
    RawDevice raw = await(RawDevice.connect(vertx, node.port()));
    // WHEN it sends an HTTP request line
    await(raw.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    // THEN 'G' (0x47) is no frame type, but "ET " announces 4.5 MB and the length is checked first
    assertEquals(CloseCode.FRAME_TOO_LARGE.code(), await(raw.closeCode()));
    // AND the node closes the socket
    await(raw.socketClosed());
    nodeStillServes(vertx, "after-garbage");
  }

  /** Verifies that an AUTH with a proof from the wrong key is closed AUTH_FAILED. */
  @Test
  void wrongProofIsAuthFailed(Vertx vertx) {
    // GIVEN a device that holds a wrong device key
    DeviceIdentity real = node.derivedDevice("sensor-wrong-key", Suite.P256_AES128GCM);
    DeviceIdentity forged =
        new DeviceIdentity(real.deviceId(), new byte[32], real.suite(), real.serverPublicKey());
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), forged));
    // WHEN it runs the handshake
    d.handshake();
    // THEN the node closes AUTH_FAILED
    assertEquals(CloseCode.AUTH_FAILED.code(), await(d.raw.closeCode()));
    nodeStillServes(vertx, "after-wrong-proof");
  }

  /**
   * Verifies that a revoked device is closed AUTH_FAILED and the DATA it pipelined behind AUTH is
   * never delivered.
   */
  @Test
  void revokedDeviceIsAuthFailedAndItsPipelinedDataIsDropped(Vertx vertx) throws Exception {
    // GIVEN a registered device that was revoked
    DeviceIdentity dev = node.registeredDevice("sensor-revoked", Suite.P256_FERNET);
    node.services().data().registry().revoke("sensor-revoked");
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, node.port(), dev));
    d.tamper =
        b -> {
          if ((b[0] & 0xFF) == FrameType.AUTH) {
            // Pipelined right behind AUTH, before any WELCOME could arrive.
            vertx.runOnContext(
                v -> d.device.sendData("t", "pipelined".getBytes(StandardCharsets.UTF_8), true));
          }
          return b;
        };
    // WHEN it runs the handshake and sends DATA right behind its AUTH
    d.handshake();
    // THEN the node closes AUTH_FAILED
    assertEquals(CloseCode.AUTH_FAILED.code(), await(d.raw.closeCode()));
    // AND once a later device's message went through, none of the revoked device's was delivered
    assertEquals(
        List.of(),
        deliveredAfterDrain(vertx, "sensor-revoked"),
        "data behind a failed AUTH is never delivered");
  }

  /**
   * Verifies that a replayed DATA is closed REPLAY, and the first copy was delivered exactly once.
   */
  @Test
  void replayedSequenceNumberIsReplayAndTheFirstCopyArrivesOnce(Vertx vertx) {
    // GIVEN a device whose DATA was ACCEPTED
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                vertx,
                node.port(),
                node.derivedDevice("sensor-replay", Suite.X25519_CHACHA20POLY1305)));
    await(d.handshake());
    await(d.sendWithAck("t", "once"));
    // WHEN it sends the very same DATA frame again
    await(d.raw.send(d.written.get(d.written.size() - 1)));
    // THEN the node closes REPLAY
    assertEquals(CloseCode.REPLAY.code(), await(d.raw.closeCode()));
    // AND once a later device's message went through, the message was delivered once
    assertEquals(1, deliveredAfterDrain(vertx, "sensor-replay").size());
  }

  /**
   * Verifies that DATA whose ciphertext has a flipped bit is closed DECRYPT_FAILED and not
   * delivered.
   */
  @Test
  void flippedCiphertextIsDecryptFailedAndNotDelivered(Vertx vertx) {
    // GIVEN a device with an established session, whose DATA frames get their last bit flipped
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice("sensor-flip", Suite.P256_AES128GCM)));
    await(d.handshake());
    d.tamper =
        b -> {
          if ((b[0] & 0xFF) == FrameType.DATA) {
            b = b.clone();
            b[b.length - 1] ^= 1;
          }
          return b;
        };
    // WHEN it sends DATA
    d.send("t", "tampered");
    // THEN the node closes DECRYPT_FAILED
    assertEquals(CloseCode.DECRYPT_FAILED.code(), await(d.raw.closeCode()));
    // AND once a later device's message went through, nothing of it was delivered
    assertEquals(List.of(), deliveredAfterDrain(vertx, "sensor-flip"));
  }

  /** Verifies that DATA before any handshake is closed PROTOCOL_ERROR. */
  @Test
  void dataBeforeHandshakeIsProtocolError(Vertx vertx) {
    // GIVEN a fresh connection
    // WHEN its first frame is DATA
    int code = closeCodeFor(vertx, Bytes.unhex("1000000500000000" + "01"));
    // THEN the node closes PROTOCOL_ERROR
    assertEquals(CloseCode.PROTOCOL_ERROR.code(), code);
    nodeStillServes(vertx, "after-early-data");
  }
}
