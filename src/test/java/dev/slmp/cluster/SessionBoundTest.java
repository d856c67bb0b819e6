package dev.slmp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MaxSizePolicy;
import org.junit.jupiter.api.Test;

/** The cluster's session maps are bounded per node, not only by their entries' TTL. */
class SessionBoundTest {
  @Test
  void bothSessionMapsEvictLeastRecentlyUsedPastTheBound() {
    Config c = ClusterSetup.withSessionBound(new Config(), 1234);
    for (String map :
        new String[] {ClusterSetup.SESSIONS_MAP, ClusterSetup.SESSIONS_BY_DEVICE_MAP}) {
      EvictionConfig e = c.getMapConfig(map).getEvictionConfig();
      assertEquals(EvictionPolicy.LRU, e.getEvictionPolicy(), map);
      assertEquals(MaxSizePolicy.PER_NODE, e.getMaxSizePolicy(), map);
      assertEquals(1234, e.getSize(), map);
    }
    assertEquals(
        1, c.getMapConfig(ClusterSetup.SESSIONS_BY_DEVICE_MAP).getBackupCount(), "a backup");
  }
}
