package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.connection.DeviceIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * Every bad input the spec names reaches the device as its CLOSE code through a running node, and the node
 * keeps serving other devices afterwards (each test ends with a good device's message being ACCEPTED).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class NodeBadInputTest {
  @TempDir
  static Path dataDir;
  static TestNode node;
  final List<JsonObject> inbound = new CopyOnWriteArrayList<>();
  io.vertx.core.eventbus.MessageConsumer<JsonObject> inConsumer;

  @BeforeAll
  static void startNode(Vertx vertx, VertxTestContext ctx) {
    TestNode.start(vertx, dataDir, new JsonObject()).onComplete(ctx.succeeding(n -> {
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

  /** A good device completes a handshake and gets its message ACCEPTED: the node still serves. */
  static Future<Void> nodeStillServes(Vertx vertx, String deviceId) {
    DeviceIdentity good = node.derivedDevice(deviceId, Suite.X25519_CHACHA20POLY1305);
    return DeviceOnRaw.connect(vertx, node.port(), good)
        .compose(d -> d.handshake().compose(t -> d.sendWithAck("t", "still serving")))
        .compose(status -> status == AckStatus.ACCEPTED ? Future.succeededFuture() : Future.failedFuture("ack " + status));
  }

  private static void expectClose(Vertx vertx, VertxTestContext ctx, Future<Integer> code, CloseCode expected, String goodId) {
    code.compose(c -> {
      ctx.verify(() -> assertEquals(expected.code(), c.intValue(), "CLOSE code"));
      return nodeStillServes(vertx, goodId);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownFrameTypeIsProtocolError(Vertx vertx, VertxTestContext ctx) {
    Future<Integer> code = RawDevice.connect(vertx, node.port())
        .compose(raw -> raw.send(Bytes.unhex("07000000")).compose(v -> raw.closeCode()));
    expectClose(vertx, ctx, code, CloseCode.PROTOCOL_ERROR, "after-unknown-type");
  }

  @Test
  void oversizeLengthIsRefusedFromTheHeaderAlone(Vertx vertx, VertxTestContext ctx) {
    Future<Integer> code = RawDevice.connect(vertx, node.port())
        .compose(raw -> raw.send(Bytes.unhex("01010001")).compose(v -> raw.closeCode()));
    expectClose(vertx, ctx, code, CloseCode.FRAME_TOO_LARGE, "after-oversize");
  }

  @Test
  void garbageIsProtocolErrorAndTheSocketCloses(Vertx vertx, VertxTestContext ctx) {
    Future<Integer> code = RawDevice.connect(vertx, node.port())
        .compose(raw -> raw.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
            .compose(v -> raw.closeCode())
            .compose(c -> raw.socketClosed().map(c)));
    // 'G' (0x47) is no frame type, and "ET " announces 4.5 MB: the length is checked first.
    expectClose(vertx, ctx, code, CloseCode.FRAME_TOO_LARGE, "after-garbage");
  }

  @Test
  void wrongProofIsAuthFailed(Vertx vertx, VertxTestContext ctx) {
    DeviceIdentity real = node.derivedDevice("sensor-wrong-key", Suite.P256_AES128GCM);
    DeviceIdentity forged = new DeviceIdentity(real.deviceId(), new byte[32], real.suite(), real.serverPublicKey());
    Future<Integer> code = DeviceOnRaw.connect(vertx, node.port(), forged)
        .compose(d -> {
          d.handshake();
          return d.raw.closeCode();
        });
    expectClose(vertx, ctx, code, CloseCode.AUTH_FAILED, "after-wrong-proof");
  }

  @Test
  void revokedDeviceIsAuthFailedAndItsPipelinedDataIsDropped(Vertx vertx, VertxTestContext ctx) throws Exception {
    DeviceIdentity dev = node.registeredDevice("sensor-revoked", Suite.P256_FERNET);
    node.node.services().data().registry().revoke("sensor-revoked");
    Future<Integer> code = DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(d -> {
          d.tamper = b -> {
            if (Frame.typeOf(b) == FrameType.AUTH) {
              // Pipelined right behind AUTH, before any WELCOME could arrive.
              vertx.runOnContext(v -> d.device.sendData("t", "pipelined".getBytes(StandardCharsets.UTF_8), true));
            }
            return b;
          };
          d.handshake();
          return d.raw.closeCode();
        });
    code.compose(c -> {
      ctx.verify(() -> {
        assertEquals(CloseCode.AUTH_FAILED.code(), c.intValue());
        assertTrue(inbound.stream().noneMatch(m -> "sensor-revoked".equals(m.getString("device"))),
            "data behind a failed AUTH is never delivered");
      });
      return nodeStillServes(vertx, "after-revoked");
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void replayedSequenceNumberIsReplayAndTheFirstCopyArrivesOnce(Vertx vertx, VertxTestContext ctx) {
    DeviceIdentity dev = node.derivedDevice("sensor-replay", Suite.X25519_CHACHA20POLY1305);
    Future<Integer> code = DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(d -> d.handshake().compose(t -> d.sendWithAck("t", "once")).compose(s -> {
          byte[] data = d.written.get(d.written.size() - 1);
          d.raw.send(data);
          return d.raw.closeCode();
        }));
    code.compose(c -> {
      ctx.verify(() -> {
        assertEquals(CloseCode.REPLAY.code(), c.intValue());
        assertEquals(1, inbound.stream().filter(m -> "sensor-replay".equals(m.getString("device"))).count());
      });
      return nodeStillServes(vertx, "after-replay");
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void flippedCiphertextIsDecryptFailedAndNotDelivered(Vertx vertx, VertxTestContext ctx) {
    DeviceIdentity dev = node.derivedDevice("sensor-flip", Suite.P256_AES128GCM);
    Future<Integer> code = DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(d -> d.handshake().compose(t -> {
          d.tamper = b -> {
            if (Frame.typeOf(b) == FrameType.DATA) {
              b = b.clone();
              b[b.length - 1] ^= 1;
            }
            return b;
          };
          d.send("t", "tampered");
          return d.raw.closeCode();
        }));
    code.compose(c -> {
      ctx.verify(() -> {
        assertEquals(CloseCode.DECRYPT_FAILED.code(), c.intValue());
        assertTrue(inbound.stream().noneMatch(m -> "sensor-flip".equals(m.getString("device"))));
      });
      return nodeStillServes(vertx, "after-flip");
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void dataBeforeHandshakeIsProtocolError(Vertx vertx, VertxTestContext ctx) {
    Future<Integer> code = RawDevice.connect(vertx, node.port())
        .compose(raw -> raw.send(Bytes.unhex("1000000500000000" + "01")).compose(v -> raw.closeCode()));
    expectClose(vertx, ctx, code, CloseCode.PROTOCOL_ERROR, "after-early-data");
  }
}
