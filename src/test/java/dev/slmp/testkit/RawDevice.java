package dev.slmp.testkit;

import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.SlmpException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A test peer on a real TCP socket that sends whatever bytes a test gives it (well-formed or not)
 * and records every frame the node sends back, and how the connection ended.
 */
public final class RawDevice extends PeerSocket {
  public final List<Frame> received = new CopyOnWriteArrayList<>();
  private final FrameDecoder decoder = new FrameDecoder(0xFFFFFF);
  private final Promise<Frame> close = Promise.promise();
  private long bytesReceived;

  /** Optional: every received frame, as it arrives. */
  public Consumer<Frame> onFrame = f -> {};

  private RawDevice(NetSocket socket) {
    super(socket);
  }

  public static Future<RawDevice> connect(Vertx vertx, int port) {
    return connect(vertx, port, RawDevice::new);
  }

  @Override
  protected void received(Buffer buf) {
    bytesReceived += buf.length();
    try {
      decoder.feed(
          buf.getBytes(),
          f -> {
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
  }

  @Override
  protected void onClosed() {
    close.tryFail(
        "socket closed without a CLOSE frame ("
            + bytesReceived
            + " bytes received, "
            + received.size()
            + " frames)");
  }

  /** The node's CLOSE frame. */
  public Future<Frame> closeFrame() {
    return close.future();
  }

  /** The CLOSE code the node sent. */
  public Future<Integer> closeCode() {
    return close.future().map(f -> f.body().length > 0 ? f.body()[0] & 0xFF : -1);
  }

  public static String describe(Frame f) {
    return FrameType.name(f.type()) + " " + Bytes.hex(f.body());
  }
}
