package dev.slmp.cli;

import dev.slmp.cluster.ClusterSetup;
import dev.slmp.cluster.ClusterTls;
import dev.slmp.config.Keys;
import dev.slmp.config.NodeConfig;
import dev.slmp.node.ShutdownLogging;
import dev.slmp.node.SlmpNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Vert.x launcher with {@link SlmpNode} as the main verticle; every {@code VertxApplication}
 * option works.
 */
public final class SlmpApplication extends VertxApplication implements VertxApplicationHooks {
  static {
    ShutdownLogging.install(); // before the first logger
  }

  private static final System.Logger LOG = System.getLogger(SlmpApplication.class.getName());
  private final boolean clustered;

  public SlmpApplication(String[] args) {
    super(args);
    clustered =
        java.util.Arrays.stream(args)
            .anyMatch(
                a ->
                    a.equalsIgnoreCase("-cluster")
                        || a.equalsIgnoreCase("--cluster")
                        || a.equals("-c"));
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    }
    System.setProperty(
        "hazelcast.phone.home.enabled",
        System.getProperty("hazelcast.phone.home.enabled", "false"));
    int code = new SlmpApplication(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  private JsonObject launcherConf = new JsonObject();

  @Override
  public JsonObject afterConfigParsed(JsonObject conf) {
    launcherConf = conf == null ? new JsonObject() : conf;
    return conf;
  }

  /**
   * Clustered nodes use cluster.xml with split-brain protection sized by {@code
   * cluster.expectedSize} (which must be set), and an event bus with mutual TLS from the node's
   * certificate in its data directory unless {@code cluster.insecure}.
   */
  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    // Linux epoll (netty-transport-native-epoll) where available, else the JDK's NIO; the benchmark
    // runs the same.
    options.setPreferNativeTransport(true);
    // Vert.x's own meters (net server, event bus, pools) and the JVM's, on the Prometheus registry
    // that the node's admin server scrapes at /metrics together with SLMP's.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    dev.slmp.metrics.VertxGaugeWarning.quiet();
    options.setMetricsOptions(
        new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    if (!clustered) {
      return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    }
    int expected = NodeConfig.peek(launcherConf, Keys.CLUSTER_EXPECTED_SIZE);
    int maxSessions = NodeConfig.peek(launcherConf, Keys.SESSION_MAX_SESSIONS);
    try {
      ClusterSetup.requireExpectedSize(expected);
      if (NodeConfig.peek(launcherConf, Keys.CLUSTER_INSECURE)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "cluster.insecure is true: the event bus between nodes runs WITHOUT TLS; anyone who"
                + " reaches its port can read every message and speak on every address");
      } else {
        ClusterTls.apply(
            options.getEventBusOptions(), Path.of(NodeConfig.peek(launcherConf, Keys.DATA_DIR)));
      }
    } catch (RuntimeException e) {
      // The launcher exits 1 without printing why.
      LOG.log(System.Logger.Level.ERROR, "SLMP node failed to start: " + e.getMessage());
      throw e;
    }
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(
            ClusterSetup.clusterManager(ClusterSetup.loadConfig(), expected, maxSessions));
  }

  /** The node this launcher deployed: told first when the JVM stops, so ready goes DOWN first. */
  private volatile SlmpNode node;

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> node = new SlmpNode();
  }

  /**
   * SIGTERM: the node's graceful shutdown ({@link SlmpNode#shutdown}) before Vert.x closes (which
   * leaves the cluster); a watchdog ends the process if the whole takes longer than {@code
   * shutdownTimeoutMs}.
   */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    SlmpNode n = node;
    if (n == null) {
      return;
    }
    long timeout = n.shutdownTimeoutMs();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(timeout);
              } catch (InterruptedException e) {
                return;
              }
              LOG.log(
                  System.Logger.Level.ERROR,
                  "shutdown took longer than shutdownTimeoutMs (" + timeout + " ms): halting");
              Runtime.getRuntime().halt(1);
            },
            "slmp-shutdown-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      n.shutdown().toCompletionStage().toCompletableFuture().get(timeout, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "graceful shutdown incomplete: " + e);
    }
  }
}
