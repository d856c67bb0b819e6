package dev.slmp.bench;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in the load generator that counts the TCP payload bytes it relays, both
 * directions: the bytes on the wire of whatever protocol runs through it, counted on the client
 * side.
 */
final class ByteProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final AtomicLong up;
  private final AtomicLong down;

  /**
   * SLMP frames relayed since the last reset, by direction and type: {frames, bytes}; empty for
   * other protocols.
   */
  final java.util.Map<String, long[]> frames;

  private ByteProxy(
      NetServer server,
      NetClient client,
      AtomicLong up,
      AtomicLong down,
      java.util.Map<String, long[]> frames) {
    this.server = server;
    this.client = client;
    this.up = up;
    this.down = down;
    this.frames = frames;
  }

  /** With {@code slmp}, also tallies SLMP frames per type ({@link FrameTally}). */
  static ByteProxy start(Vertx vertx, int targetPort, boolean slmp) throws Exception {
    AtomicLong up = new AtomicLong();
    AtomicLong down = new AtomicLong();
    java.util.Map<String, long[]> frames = new java.util.HashMap<>();
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    NetServer server =
        vertx.createNetServer(
            new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    server.connectHandler(
        in -> {
          in.pause();
          client
              .connect(targetPort, "127.0.0.1")
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      in.close();
                      return;
                    }
                    NetSocket out = ar.result();
                    FrameTally deviceToServer =
                        slmp ? new FrameTally(frames, "device→server") : null;
                    FrameTally serverToDevice =
                        slmp ? new FrameTally(frames, "server→device") : null;
                    in.handler(
                        b -> {
                          up.addAndGet(b.length());
                          if (deviceToServer != null) {
                            deviceToServer.feed(b);
                          }
                          out.write(b);
                        });
                    out.handler(
                        b -> {
                          down.addAndGet(b.length());
                          if (serverToDevice != null) {
                            serverToDevice.feed(b);
                          }
                          in.write(b);
                        });
                    in.closeHandler(v -> out.close());
                    out.closeHandler(v -> in.close());
                    in.resume();
                  });
        });
    BenchServer.await(server.listen());
    return new ByteProxy(server, client, up, down, frames);
  }

  int port() {
    return server.actualPort();
  }

  /** Bytes relayed since the last reset, both directions. */
  long total() {
    return up.get() + down.get();
  }

  /** Lets what is still in flight arrive, then starts counting from zero. */
  void reset() throws InterruptedException {
    settle();
    up.set(0);
    down.set(0);
    synchronized (frames) {
      frames.clear();
    }
  }

  /** Waits until the last bytes of closed connections have been relayed. */
  static void settle() throws InterruptedException {
    Thread.sleep(150);
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
