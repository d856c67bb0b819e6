package dev.slmp.testkit;

import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.session.DeviceTicket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real device state machine on a {@link RawDevice} socket, with a hook that may alter or drop
 * each frame the device writes: how the bad-input tests produce replays, flipped bits and other
 * faults mid-connection.
 */
public final class DeviceOnRaw {
  public final RawDevice raw;
  public final DeviceConnection device;
  public final List<byte[]> written = new CopyOnWriteArrayList<>();
  public final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
  public final Promise<DeviceTicket> established = Promise.promise();
  public final List<long[]> acks = new CopyOnWriteArrayList<>();
  private final List<Promise<AckStatus>> ackWaiters = new ArrayList<>();

  /** The ACK status the device answers a DATA from the node with (ACCEPTED unless changed). */
  public java.util.function.Function<InboundMessage, AckStatus> answer = m -> AckStatus.ACCEPTED;

  /** Applied to every frame before it is written; return null to drop it. */
  public UnaryOperator<byte[]> tamper = UnaryOperator.identity();

  /**
   * The socket's context: the device state machine runs there, whichever thread a test calls from.
   */
  private final Context context = Vertx.currentContext();

  private DeviceOnRaw(RawDevice raw, DeviceIdentity identity) {
    this.raw = raw;
    this.device =
        new DeviceConnection(
            identity,
            Randomness.secure(),
            65536,
            new DeviceConnection.Listener() {
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
                device.acknowledge(m, answer.apply(m));
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

  public static Future<DeviceOnRaw> connect(Vertx vertx, int port, DeviceIdentity identity) {
    return RawDevice.connect(vertx, port).map(raw -> new DeviceOnRaw(raw, identity));
  }

  /** Full handshake; completes with the ticket when WELCOME arrives. */
  public Future<DeviceTicket> handshake() {
    onContext(() -> device.startFull());
    return established.future();
  }

  public Future<DeviceTicket> resume(DeviceTicket ticket) {
    onContext(() -> device.startResume(ticket));
    return established.future();
  }

  /** Sends a DATA with ACK_REQUESTED and completes with the server's ACK status (ACKs in order). */
  public Future<AckStatus> sendWithAck(String topic, String payload) {
    Promise<AckStatus> p = Promise.promise();
    onContext(
        () -> {
          ackWaiters.add(p);
          device.sendData(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        });
    return p.future();
  }

  public void send(String topic, String payload) {
    onContext(
        () ->
            device.sendData(
                topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), false));
  }

  /** Runs {@code action} on the socket's context (at once when already there), in call order. */
  private void onContext(Runnable action) {
    if (context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
