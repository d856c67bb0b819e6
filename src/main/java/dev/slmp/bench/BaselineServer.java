package dev.slmp.bench;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench baseline-server --tls [--engine jdk|boringssl]|--tcp --port P}: what a user would
 * run instead of SLMP, in its own process. A Vert.x NetServer (one instance per {@code --threads})
 * on 127.0.0.1, with TLS 1.3 only and the given P-256 certificate ({@code --tls}: the JDK's
 * SSLEngine, or BoringSSL through Vert.x {@link OpenSSLEngineOptions} with its default key exchange
 * and session tickets), or plain TCP ({@code --tcp}). It answers every 64 bytes received with a
 * 1-byte acknowledgement. Its {@code stats} command tells the connections, and for BoringSSL how
 * many of them resumed a session (the server's side of the resumption check) and the group.
 */
final class BaselineServer {
  static final int MESSAGE = 64;

  private BaselineServer() {}

  /** Connections accepted, and (BoringSSL) how many of them were resumed sessions. */
  static final class Counts {
    final AtomicLong connections = new AtomicLong();
    final AtomicLong resumed = new AtomicLong();
    final AtomicReference<String> group = new AtomicReference<>("");

    String line() {
      return "connections="
          + connections.get()
          + " resumed="
          + resumed.get()
          + " group="
          + (group.get().isEmpty() ? "-" : group.get());
    }
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    boolean tls = args.contains("--tls");
    int port = Integer.parseInt(BenchOptions.value(args, "--port", "0"));
    int threads = Integer.parseInt(BenchOptions.value(args, "--threads", "1"));
    String keystore = BenchOptions.value(args, "--keystore", null);
    String password = BenchOptions.value(args, "--password", TlsSetup.PASSWORD);
    String engine = BenchOptions.value(args, "--engine", "jdk");
    boolean boring = engine.equals("boringssl");
    if (tls == args.contains("--tcp")
        || (tls && keystore == null)
        || port <= 0
        || !(boring || engine.equals("jdk"))) {
      err.println(
          "usage: bench baseline-server --tls --keystore P12 [--password PW] [--engine jdk|boringssl]"
              + " | --tcp, --port P [--threads N]");
      return 2;
    }
    if (boring && !OpenSSLEngineOptions.isAvailable()) {
      err.println("error: BoringSSL (netty-tcnative-boringssl-static) is not available here");
      return 1;
    }
    NetServerOptions options =
        new NetServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true);
    if (tls) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new KeyStoreOptions().setType("PKCS12").setPath(keystore).setPassword(password))
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
          .setSslEngineOptions(
              boring
                  ? new OpenSSLEngineOptions().setSessionCacheEnabled(true)
                  : new JdkSSLEngineOptions());
    }
    Counts counts = new Counts();
    Vertx vertx = Vertx.vertx(BenchServer.serverOptions(threads));
    try {
      BenchServer.await(
          vertx.deployVerticle(
              () -> new Acknowledger(options, counts, boring),
              new DeploymentOptions().setInstances(threads)));
    } catch (Exception e) {
      err.println("error: the baseline server did not start: " + e.getMessage());
      vertx.close();
      return 1;
    }
    return ChildControl.serve(vertx, port, out, () -> 0L, counts::line);
  }

  /** One NetServer instance (they share the port): 1 byte back per 64 bytes in. */
  private static final class Acknowledger extends VerticleBase {
    private final NetServerOptions options;
    private final Counts counts;
    private final boolean boring;

    Acknowledger(NetServerOptions options, Counts counts, boolean boring) {
      this.options = options;
      this.counts = counts;
      this.boring = boring;
    }

    @Override
    public Future<?> start() {
      return vertx.createNetServer(options).connectHandler(this::serve).listen();
    }

    private void serve(NetSocket socket) {
      counts.connections.incrementAndGet();
      if (boring) {
        // Vert.x calls the connect handler once the handshake is done.
        SslHandler ssl =
            ((NetSocketInternal) socket).channelHandlerContext().pipeline().get(SslHandler.class);
        if (ssl != null && ssl.engine() instanceof ReferenceCountedOpenSslEngine e) {
          long p = e.sslPointer();
          if (SSL.isSessionReused(p)) {
            counts.resumed.incrementAndGet();
          }
          if (counts.group.get().isEmpty()) {
            try {
              counts.group.set(String.valueOf(SSL.getGroupName(p)));
            } catch (Exception x) {
              counts.group.set("?");
            }
          }
        }
      }
      int[] pending = {0};
      socket.handler(
          b -> {
            pending[0] += b.length();
            int acks = pending[0] / MESSAGE;
            if (acks > 0) {
              pending[0] -= acks * MESSAGE;
              socket.write(Buffer.buffer(new byte[acks]));
            }
          });
    }
  }
}
