package dev.slmp.gateway;

import com.hazelcast.config.Config;
import dev.slmp.cluster.ClusterSetup;
import dev.slmp.datadir.DataDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Several real clustered nodes in one JVM on 127.0.0.1: each its own Vert.x with a Hazelcast member (a
 * unique cluster name per test class) and its own data directory holding the cluster's shared secrets.
 */
final class ClusterNodes {
  final String clusterName = "slmp-test-" + UUID.randomUUID();
  final List<Vertx> vertx = new ArrayList<>();
  final List<HazelcastClusterManager> managers = new ArrayList<>();
  final List<TestNode> nodes = new ArrayList<>();
  final Path secrets;

  ClusterNodes(Path root) throws IOException {
    secrets = root.resolve("secrets");
    DataDirectory.openOrCreate(secrets);
  }

  /** A node's own data directory, holding the cluster's shared secrets (what scripts/cluster-init.sh does). */
  Path dataDirFor(int i) throws IOException {
    Path dir = secrets.resolveSibling("node" + i);
    Files.createDirectories(dir);
    try (var files = Files.list(secrets)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  Future<Vertx> member(int expectedSize) {
    Config cfg = ClusterSetup.loadConfig();
    cfg.setClusterName(clusterName);
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    cfg.getNetworkConfig().setPort(5801).setPortAutoIncrement(true).setPortCount(100);
    HazelcastClusterManager cm = ClusterSetup.clusterManager(cfg, expectedSize);
    return Vertx.builder().withClusterManager(cm).buildClustered().map(v -> {
      vertx.add(v);
      managers.add(cm);
      return v;
    });
  }

  /** Starts member {@code i} and deploys a node on it (inbox off unless {@code overrides} says otherwise). */
  Future<TestNode> start(int i, int expectedSize, Path dataDir, JsonObject overrides) {
    JsonObject cfg = new JsonObject().put("inbox", new JsonObject().put("enabled", false))
        .put("cluster", new JsonObject().put("expectedSize", expectedSize)).mergeIn(overrides, true);
    return member(expectedSize).compose(v -> TestNode.start(v, dataDir, cfg)).map(n -> {
      nodes.add(n);
      return n;
    });
  }

  /**
   * Completes once every partition's backups are in sync on every member: Hazelcast's no-loss guarantee for
   * a member's death holds from then on (not while partitions are still migrating after a join).
   */
  Future<Void> clusterSafe(Vertx vertx) {
    return clusterSafe(vertx, 300);
  }

  private Future<Void> clusterSafe(Vertx vertx, int tries) {
    boolean safe = managers.stream().allMatch(m -> m.getHazelcastInstance().getLifecycleService().isRunning()
        && m.getHazelcastInstance().getPartitionService().isClusterSafe());
    if (safe || tries == 0) {
      return safe ? Future.succeededFuture() : Future.failedFuture("the cluster did not become safe");
    }
    return vertx.timer(100).compose(v -> clusterSafe(vertx, tries - 1));
  }

  Future<Void> closeAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (Vertx v : vertx) {
      all.add(v.close());
    }
    return Future.join(all).mapEmpty();
  }
}
