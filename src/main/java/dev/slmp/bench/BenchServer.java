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
    // The scale workload: more connections than the default bound, held idle longer than 2×
    // keep-alive, and clustered nodes (Hazelcast session store).
    int maxConnections = Integer.parseInt(BenchOptions.value(args, "--max-connections", "50000"));
    int keepalive = Integer.parseInt(BenchOptions.value(args, "--keepalive", "60"));
    int cluster = Integer.parseInt(BenchOptions.value(args, "--cluster", "0"));
    String clusterName = BenchOptions.value(args, "--cluster-name", "slmp-bench");
    if (data == null) {
      err.println(
          "usage: bench server --data DIR --port P [--threads N] [--durable] [--max-connections N]"
              + " [--keepalive S] [--cluster SIZE --cluster-name NAME]");
      return 2;
    }
    JsonObject conf = config(data, port, threads, durable);
    conf.getJsonObject("limits").put("maxConnections", maxConnections);
    conf.put("keepaliveSeconds", keepalive);
    Vertx vertx;
    try {
      vertx =
          cluster > 0
              ? clustered(threads, cluster, clusterName)
              : Vertx.vertx(serverOptions(threads));
    } catch (Exception e) {
      err.println("error: the clustered Vert.x did not start: " + e.getMessage());
      return 1;
    }
    if (cluster > 0) {
      conf.put("cluster", new JsonObject().put("expectedSize", cluster).put("insecure", true));
    }
    SlmpNode node = new SlmpNode();
    try {
      if (!durable) {
        await(vertx.deployVerticle(new AcceptingConsumer()));
      }
      await(
          vertx.deployVerticle(
              node, new DeploymentOptions().setConfig(KafkaBenchConfig.sink(conf, kafka))));
    } catch (Exception e) {
      err.println("error: the SLMP node did not start: " + e.getMessage());
      vertx.close();
      return 1;
    }
    return ChildControl.serve(vertx, node.port(), out, AcceptingConsumer.ACCEPTED::sum);
  }

  /**
   * A clustered Vert.x as a node's launcher makes it (Hazelcast session store, majority of {@code
   * size}), on loopback, under its own cluster name; the event bus without TLS (nothing on the
   * measured paths crosses it: a resumption's cluster work is the session map's).
   */
  private static Vertx clustered(int threads, int size, String name) throws Exception {
    com.hazelcast.config.Config cfg = dev.slmp.cluster.ClusterSetup.loadConfig();
    cfg.setClusterName(name);
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.getNetworkConfig().setPort(5901).setPortAutoIncrement(true).setPortCount(10);
    cfg.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    var tcp = cfg.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true);
    for (int p = 5901; p <= 5910; p++) {
      tcp.addMember("127.0.0.1:" + p);
    }
    cfg.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    var options = serverOptions(threads);
    options.getEventBusOptions().setHost("127.0.0.1");
    return await(
        Vertx.builder()
            .with(options)
            .withClusterManager(dev.slmp.cluster.ClusterSetup.clusterManager(cfg, size))
            .buildClustered());
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
