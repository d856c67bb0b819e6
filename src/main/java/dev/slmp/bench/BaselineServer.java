package dev.slmp.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code bench baseline-server --tls|--tcp --port P}: what a user would run instead of SLMP, in its
 * own process. A Vert.x NetServer (one instance per {@code --threads}) on 127.0.0.1, with JDK TLS
 * 1.3 only and the given P-256 certificate ({@code --tls}), or plain TCP ({@code --tcp}). It
 * answers every 64 bytes received with a 1-byte acknowledgement.
 */
final class BaselineServer {
  static final int MESSAGE = 64;

  private BaselineServer() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    boolean tls = args.contains("--tls");
    int port = Integer.parseInt(BenchOptions.value(args, "--port", "0"));
    int threads = Integer.parseInt(BenchOptions.value(args, "--threads", "1"));
    String keystore = BenchOptions.value(args, "--keystore", null);
    String password = BenchOptions.value(args, "--password", TlsSetup.PASSWORD);
    if (tls == args.contains("--tcp") || (tls && keystore == null) || port <= 0) {
      err.println(
          "usage: bench baseline-server --tls --keystore P12 [--password PW] | --tcp, --port P [--threads N]");
      return 2;
    }
    NetServerOptions options =
        new NetServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true);
    if (tls) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new KeyStoreOptions().setType("PKCS12").setPath(keystore).setPassword(password))
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
          .setSslEngineOptions(new JdkSSLEngineOptions());
    }
    Vertx vertx = Vertx.vertx(BenchServer.serverOptions(threads));
    try {
      BenchServer.await(
          vertx.deployVerticle(
              () -> new Acknowledger(options), new DeploymentOptions().setInstances(threads)));
    } catch (Exception e) {
      err.println("error: the baseline server did not start: " + e.getMessage());
      vertx.close();
      return 1;
    }
    return ChildControl.serve(vertx, port, out, () -> 0L);
  }

  /** One NetServer instance (they share the port): 1 byte back per 64 bytes in. */
  private static final class Acknowledger extends VerticleBase {
    private final NetServerOptions options;

    Acknowledger(NetServerOptions options) {
      this.options = options;
    }

    @Override
    public Future<?> start() {
      return vertx.createNetServer(options).connectHandler(Acknowledger::serve).listen();
    }

    private static void serve(NetSocket socket) {
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
