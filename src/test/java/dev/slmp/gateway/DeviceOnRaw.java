package dev.slmp.gateway;

import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.session.DeviceTicket;
import dev.slmp.connection.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real device state machine on a {@link RawDevice} socket, with a hook that may alter or drop each frame
 * the device writes: how the bad-input tests produce replays, flipped bits and other faults mid-connection.
 */
final class DeviceOnRaw {
  final RawDevice raw;
  final DeviceConnection device;
  final List<byte[]> written = new ArrayList<>();
  final List<InboundMessage> messages = new ArrayList<>();
  final Promise<DeviceTicket> established = Promise.promise();
  final List<long[]> acks = new ArrayList<>();
  private final List<Promise<AckStatus>> ackWaiters = new ArrayList<>();
  /** Applied to every frame before it is written; return null to drop it. */
  UnaryOperator<byte[]> tamper = UnaryOperator.identity();

  private DeviceOnRaw(RawDevice raw, DeviceIdentity identity) {
    this.raw = raw;
    this.device = new DeviceConnection(identity, Randomness.secure(), 65536, new DeviceConnection.Listener() {
      @Override
      public void write(byte[] bytes) {
        written.add(bytes);
        byte[] out = tamper.apply(bytes);
        if (out != null) {
          raw.send(out);
        }
      }

      @Override
      public void established(DeviceConnection c, DeviceTicket ticket) {
        established.tryComplete(ticket);
      }

      @Override
      public void message(InboundMessage m) {
        messages.add(m);
        device.acknowledge(m, AckStatus.ACCEPTED);
      }

      @Override
      public void acknowledged(long seq, boolean early, AckStatus status) {
        acks.add(new long[] {seq, early ? 1 : 0, status.code()});
        if (!ackWaiters.isEmpty()) {
          ackWaiters.remove(0).tryComplete(status);
        }
      }

      @Override
      public void closed(CloseCode code, String reason, boolean byPeer) {
        established.tryFail("closed: " + code + " " + reason);
        ackWaiters.forEach(p -> p.tryFail("closed: " + code + " " + reason));
      }
    });
    raw.onFrame = f -> device.receive(f.encode());
  }

  static Future<DeviceOnRaw> connect(Vertx vertx, int port, DeviceIdentity identity) {
    return RawDevice.connect(vertx, port).map(raw -> new DeviceOnRaw(raw, identity));
  }

  /** Full handshake; completes with the ticket when WELCOME arrives. */
  Future<DeviceTicket> handshake() {
    device.startFull();
    return established.future();
  }

  Future<DeviceTicket> resume(DeviceTicket ticket) {
    device.startResume(ticket);
    return established.future();
  }

  /** Sends a DATA with ACK_REQUESTED and completes with the server's ACK status (ACKs in order). */
  Future<AckStatus> sendWithAck(String topic, String payload) {
    Promise<AckStatus> p = Promise.promise();
    ackWaiters.add(p);
    device.sendData(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    return p.future();
  }

  void send(String topic, String payload) {
    device.sendData(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }
}
