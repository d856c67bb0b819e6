package dev.slmp.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * How an SLMP node joins a Hazelcast cluster: the configuration vertx-hazelcast would load ({@code
 * -Dvertx.hazelcast.config=FILE}, else the jar's {@code cluster.xml}), with a split-brain
 * protection on the session map so that a minority partition refuses resumptions instead of
 * accepting a replay.
 */
public final class ClusterSetup {
  public static final String SESSIONS_MAP = "slmp.sessions";

  /** Device id → its live session id (one live session per device). */
  public static final String SESSIONS_BY_DEVICE_MAP = "slmp.sessions.byDevice";

  /** Device id → its queue of commands, sealed under the cluster key (issue 14). */
  public static final String COMMANDS_MAP = "slmp.commandQueues";

  public static final String IDENTITY_MAP = "slmp.cluster";
  public static final String MAJORITY = "slmp-majority";

  private ClusterSetup() {}

  /** The members a majority of {@code expectedSize} needs (1 when no protection is possible). */
  public static int majority(int expectedSize) {
    return expectedSize / 2 + 1;
  }

  /**
   * Adds the majority rule of {@code expectedSize} members to the session map of {@code config}.
   */
  public static Config withMajority(Config config, int expectedSize) {
    int min = majority(expectedSize);
    MapConfig sessions = config.getMapConfig(SESSIONS_MAP);
    if (sessions.getBackupCount() < 1) {
      sessions.setBackupCount(1);
    }
    // Queued commands survive the loss of any one member: one synchronous backup.
    MapConfig commands = config.getMapConfig(COMMANDS_MAP);
    if (commands.getBackupCount() < 1) {
      commands.setBackupCount(1);
    }
    if (min >= 2) {
      config.addSplitBrainProtectionConfig(
          new SplitBrainProtectionConfig(MAJORITY, true, min)
              .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
      sessions.setSplitBrainProtectionName(MAJORITY);
    }
    return config;
  }

  /**
   * Bounds the session maps per node (LRU eviction past {@code maxSessionsPerNode}, besides each
   * entry's TTL), so that the cluster's store cannot grow without limit either.
   */
  public static Config withSessionBound(Config config, int maxSessionsPerNode) {
    for (String name : new String[] {SESSIONS_MAP, SESSIONS_BY_DEVICE_MAP}) {
      config
          .getMapConfig(name)
          .setEvictionConfig(
              new EvictionConfig()
                  .setEvictionPolicy(EvictionPolicy.LRU)
                  .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                  .setSize(maxSessionsPerNode));
    }
    MapConfig index = config.getMapConfig(SESSIONS_BY_DEVICE_MAP);
    if (index.getBackupCount() < 1) {
      index.setBackupCount(1);
    }
    return config;
  }

  /**
   * A cluster manager for a node of a cluster of {@code expectedSize} members; refuses 0, the value
   * of a node whose operator did not say how big the cluster is.
   */
  public static HazelcastClusterManager clusterManager(Config config, int expectedSize) {
    requireExpectedSize(expectedSize);
    return new HazelcastClusterManager(withMajority(config, expectedSize));
  }

  /** As {@link #clusterManager(Config, int)}, with the session maps bounded per node. */
  public static HazelcastClusterManager clusterManager(
      Config config, int expectedSize, int maxSessionsPerNode) {
    requireExpectedSize(expectedSize);
    return new HazelcastClusterManager(
        withSessionBound(withMajority(config, expectedSize), maxSessionsPerNode));
  }

  /**
   * Split-brain protection cannot be forgotten: a clustered node must be told the cluster's size,
   * since a guessed one (1) would let each half of a split cluster accept the same replayed RESUME.
   */
  public static void requireExpectedSize(int expectedSize) {
    if (expectedSize < 1) {
      throw new IllegalArgumentException(
          "config key 'cluster.expectedSize' (SLMP_CLUSTER_EXPECTED_SIZE) must be set to the number"
              + " of nodes when clustered: a majority of it is needed to resume a session, which is"
              + " what stops a split cluster from accepting one replay per half");
    }
  }

  /** The configuration vertx-hazelcast would load on its own. */
  public static Config loadConfig() {
    return ConfigUtil.loadConfig();
  }
}
