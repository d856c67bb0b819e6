package dev.slmp.bench;

import dev.slmp.node.SlmpNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench server}: the SLMP server under test, in its own process. A node on 127.0.0.1 with
 * the bench configuration (the defaults, but {@code --threads} gateway and handshake verticles on
 * as many event loops, room for the memory workload, no printing and no {@code slmp.in} publish),
 * plus, unless {@code --durable}, the in-memory {@link AcceptingConsumer} with the inbox off. With
 * {@code --durable} the built-in durable inbox answers {@code slmp.deliver}.
 */
final class BenchServer {
  private BenchServer() {}

  /** The node configuration the benchmark uses. */
  static JsonObject config(String dataDir, int port, int threads, boolean durable) {
    return new JsonObject()
        .put("host", "127.0.0.1")
        .put("port", port)
        .put("dataDir", dataDir)
        // The load generator is one source (127.0.0.1) opening thousands of sessions a second:
        // per-source limits off.
        .put(
            "limits",
            new JsonObject()
                .put("maxConnections", 50_000)
                .put("maxHandshakes", 5_000)
                .put("handshakesPerSource", 5_000)
                .put("helloRatePerSource", 1_000_000)
                .put("helloBurstPerSource", 1_000_000))
        .put("verticles", new JsonObject().put("gateway", threads).put("handshake", threads))
        .put("inbox", new JsonObject().put("enabled", durable).put("print", false))
        // Several nodes at once on this host: each admin server (and its meters, which count) on
        // any free port.
        .put("admin", new JsonObject().put("port", 0))
        // No observer on slmp.in in these workloads (the baselines have none either): the node
        // skips that publish.
        .put("delivery", new JsonObject().put("publishIn", false));
  }

  /**
   * Every server under test (SLMP, TLS, TCP) gets the same: {@code threads} event loops and nothing
   * else, so the load generator on the same machine keeps the rest of the cores; Linux epoll when
   * available.
   */
  static io.vertx.core.VertxOptions serverOptions(int threads) {
    return new io.vertx.core.VertxOptions()
        .setEventLoopPoolSize(threads)
        .setPreferNativeTransport(true);
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    String data = BenchOptions.value(args, "--data", null);
    int port = Integer.parseInt(BenchOptions.value(args, "--port", "0"));
    int threads = Integer.parseInt(BenchOptions.value(args, "--threads", "1"));
    String kafka = BenchOptions.value(args, "--kafka", null);
    boolean durable = args.contains("--durable") || kafka != null;
    if (data == null) {
      err.println("usage: bench server --data DIR --port P [--threads N] [--durable]");
      return 2;
    }
    Vertx vertx = Vertx.vertx(serverOptions(threads));
    SlmpNode node = new SlmpNode();
    try {
      if (!durable) {
        await(vertx.deployVerticle(new AcceptingConsumer()));
      }
      await(
          vertx.deployVerticle(
              node,
              new DeploymentOptions()
                  .setConfig(KafkaBenchConfig.sink(config(data, port, threads, durable), kafka))));
    } catch (Exception e) {
      err.println("error: the SLMP node did not start: " + e.getMessage());
      vertx.close();
      return 1;
    }
    return ChildControl.serve(vertx, node.port(), out, AcceptingConsumer.ACCEPTED::sum);
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
