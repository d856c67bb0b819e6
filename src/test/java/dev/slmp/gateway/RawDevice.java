package dev.slmp.gateway;

import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.SlmpException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A test peer on a real TCP socket that sends whatever bytes a test gives it (well-formed or not) and records
 * every frame the node sends back, and how the connection ended.
 */
final class RawDevice {
  final NetSocket socket;
  final List<Frame> received = new ArrayList<>();
  private final FrameDecoder decoder = new FrameDecoder(0xFFFFFF);
  private final Promise<Frame> close = Promise.promise();
  private final Promise<Void> socketClosed = Promise.promise();
  /** Optional: every received frame, as it arrives. */
  java.util.function.Consumer<Frame> onFrame = f -> { };

  /**
   * Held for the socket's lifetime: Vert.x shuts down (and so closes the connections of) a NetClient that is
   * garbage collected, which made connections of a dropped client die in the middle of a test.
   */
  private final io.vertx.core.net.NetClient client;

  private RawDevice(io.vertx.core.net.NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(buf -> {
      try {
        decoder.feed(buf.getBytes(), f -> {
          received.add(f);
          onFrame.accept(f);
          if (f.type() == FrameType.CLOSE) {
            close.tryComplete(f);
          }
          return true;
        });
      } catch (SlmpException e) {
        close.tryFail(e);
      }
    });
    // A test's Vert.x that shuts down closes this socket at once (a graceful shutdown would wait for the node).
    socket.shutdownHandler(v -> socket.close());
    socket.closeHandler(v -> {
      socketClosed.tryComplete();
      close.tryFail("socket closed without a CLOSE frame");
    });
  }

  static Future<RawDevice> connect(Vertx vertx, int port) {
    io.vertx.core.net.NetClient client = vertx.createNetClient();
    return client.connect(port, "127.0.0.1").map(s -> new RawDevice(client, s));
  }

  Future<Void> send(byte[] bytes) {
    return socket.write(Buffer.buffer(bytes));
  }

  /** The node's CLOSE frame. */
  Future<Frame> closeFrame() {
    return close.future();
  }

  /** The CLOSE code the node sent ({@link Close#NO_CODE} for none). */
  Future<Integer> closeCode() {
    return close.future().map(f -> Close.decode(f.body()).code());
  }

  /** Completes when the node closed the TCP connection. */
  Future<Void> socketClosed() {
    return socketClosed.future();
  }

  static String describe(Frame f) {
    return FrameType.name(f.type()) + " " + Bytes.hex(f.body());
  }
}
