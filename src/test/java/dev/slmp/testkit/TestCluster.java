package dev.slmp.testkit;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import dev.slmp.cluster.ClusterCa;
import dev.slmp.cluster.ClusterSetup;
import dev.slmp.cluster.ClusterTls;
import dev.slmp.datadir.DataDirectory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Several real clustered nodes in one JVM on 127.0.0.1: each its own Vert.x with a Hazelcast member
 * (a unique cluster name per test class) and its own data directory holding the cluster's shared
 * secrets.
 */
public final class TestCluster {
  public final String clusterName = "slmp-test-" + UUID.randomUUID();
  public final List<Vertx> vertx = new CopyOnWriteArrayList<>();
  public final List<HazelcastClusterManager> managers = new CopyOnWriteArrayList<>();
  public final List<TestNode> nodes = new CopyOnWriteArrayList<>();
  private final Path secrets;
  private final Path ca;

  /**
   * The cluster's shared secrets and its CA (scripts/cluster-init.sh), made once per test class.
   */
  public TestCluster(Path root) throws IOException {
    secrets = root.resolve("secrets");
    ca = root.resolve("ca");
    DataDirectory.openOrCreate(secrets);
    ClusterCa.init(ca, "test");
  }

  /** The directory of the cluster CA (its private key and certificate). */
  public Path caDir() {
    return ca;
  }

  /**
   * A node's own data directory, holding the cluster's shared secrets (what scripts/cluster-init.sh
   * does).
   */
  public Path dataDirFor(int i) throws IOException {
    Path dir = secrets.resolveSibling("node" + i);
    Files.createDirectories(dir);
    try (var files = Files.list(secrets)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(
            f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!Files.exists(dir.resolve(ClusterCa.NODE_CERT))) {
      ClusterCa.addNode(ca, dir, "node" + i, List.of("127.0.0.1"));
    }
    return dir;
  }

  /**
   * A Hazelcast member with a Vert.x whose event bus uses the mutual TLS of the node certificate in
   * {@code dataDir} ({@code null}: no TLS, a stranger's Vert.x).
   */
  public Future<Vertx> member(int expectedSize, Path dataDir) {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1");
    if (dataDir != null) {
      ClusterTls.apply(options.getEventBusOptions(), dataDir);
    }
    Config cfg = ClusterSetup.loadConfig();
    cfg.setClusterName(clusterName);
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    cfg.getNetworkConfig().setPort(5801).setPortAutoIncrement(true).setPortCount(100);
    HazelcastClusterManager cm = ClusterSetup.clusterManager(cfg, expectedSize);
    return Vertx.builder()
        .with(options)
        .withClusterManager(cm)
        .buildClustered()
        .map(
            v -> {
              vertx.add(v);
              managers.add(cm);
              return v;
            });
  }

  /**
   * Starts member {@code i} and deploys a node on it (inbox off unless {@code overrides} says
   * otherwise).
   */
  public Future<TestNode> start(int i, int expectedSize, Path dataDir, JsonObject overrides) {
    JsonObject cfg =
        new JsonObject()
            .put("inbox", new JsonObject().put("enabled", false))
            .put("cluster", new JsonObject().put("expectedSize", expectedSize))
            .mergeIn(overrides, true);
    return member(expectedSize, dataDir)
        .compose(v -> TestNode.start(v, dataDir, cfg))
        .map(
            n -> {
              nodes.add(n);
              return n;
            });
  }

  /**
   * Completes once every partition's backups are in sync on every member: Hazelcast's no-loss
   * guarantee for a member's death holds from then on (not while partitions are still migrating
   * after a join). Hazelcast itself waits (on a worker thread), for at most a minute.
   */
  public Future<Void> clusterSafe(Vertx vertx) {
    return vertx.executeBlocking(
        () -> {
          for (HazelcastClusterManager m : managers) {
            var hz = m.getHazelcastInstance();
            if (hz.getLifecycleService().isRunning()
                && !hz.getPartitionService().forceLocalMemberToBeSafe(60, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the cluster did not become safe");
            }
          }
          return null;
        });
  }

  /** Completes when member {@code i} sees another member leave (e.g. one that was terminated). */
  public Future<Void> memberLeft(int i) {
    Promise<Void> left = Promise.promise();
    managers
        .get(i)
        .getHazelcastInstance()
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {}

              @Override
              public void memberRemoved(MembershipEvent e) {
                left.tryComplete();
              }
            });
    return left.future();
  }

  public Future<Void> closeAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (Vertx v : vertx) {
      all.add(v.close());
    }
    return Future.join(all).mapEmpty();
  }
}
