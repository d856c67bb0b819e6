package dev.slmp.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.function.Function;

/**
 * The skeleton of the kit's raw peers ({@link RawDevice}, {@link LegacyPeer}): a real TCP
 * connection to a node on 127.0.0.1 that writes whatever bytes a test gives it, hands every read to
 * {@link #received(Buffer)}, and tells when the node closed the connection.
 */
public abstract class PeerSocket {
  public final NetSocket socket;
  private final Promise<Void> socketClosed = Promise.promise();

  /**
   * Held for the socket's lifetime: Vert.x shuts down (and so closes the connections of) a
   * NetClient that is garbage collected, which made connections of a dropped client die in the
   * middle of a test.
   */
  @SuppressWarnings("unused")
  private NetClient client;

  protected PeerSocket(NetSocket socket) {
    this.socket = socket;
  }

  /**
   * Connects and wires the socket to the peer {@code create} makes (handlers are set once it is
   * constructed). The connect starts on a Vert.x context of its own, so the socket lives on that
   * context and its connect callback (which sets the handlers) runs there before any read: started
   * from the test's thread, the callback could run on another context after the node's first bytes
   * (an at-once CLOSE) had been read and dropped for want of a handler.
   */
  protected static <P extends PeerSocket> Future<P> connect(
      Vertx vertx, int port, Function<NetSocket, P> create) {
    Context context = vertx.getOrCreateContext();
    Promise<P> connected = Promise.promise();
    context.runOnContext(
        v -> {
          NetClient client = vertx.createNetClient();
          client
              .connect(port, "127.0.0.1")
              .map(
                  s -> {
                    P peer = create.apply(s);
                    ((PeerSocket) peer).wire(client);
                    return peer;
                  })
              .onComplete(connected);
        });
    return connected.future();
  }

  private void wire(NetClient owner) {
    client = owner;
    socket.handler(this::received);
    // A test's Vert.x that shuts down closes this socket at once (a graceful shutdown would wait
    // for the node).
    socket.shutdownHandler(v -> socket.close());
    socket.closeHandler(
        v -> {
          socketClosed.tryComplete();
          onClosed();
        });
  }

  /** Bytes the node sent, on the socket's context. */
  protected abstract void received(Buffer buf);

  /** The connection is closed, on the socket's context. */
  protected void onClosed() {}

  public Future<Void> send(byte[] bytes) {
    return socket.write(Buffer.buffer(bytes));
  }

  /** Completes when the node closed the TCP connection. */
  public Future<Void> socketClosed() {
    return socketClosed.future();
  }
}
