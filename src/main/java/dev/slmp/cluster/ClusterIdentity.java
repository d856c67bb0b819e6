package dev.slmp.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Hashes;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.Labels;

/**
 * The key-id check at join: every node of a cluster must hold the same static keys, master secret
 * and cluster key. The first node records a fingerprint of them (public keys, and HMACs of the
 * secrets, never the secrets); a node whose fingerprint differs refuses to start.
 */
public final class ClusterIdentity {
  private static final String KEY = "identity";

  private ClusterIdentity() {}

  static String fingerprint(DataDirectory d) {
    byte[] label = Labels.label("cluster identity");
    return Bytes.hex(
        Hashes.sha256(
            label,
            d.p256().publicKey(),
            d.x25519().publicKey(),
            Hashes.hmac(d.masterSecret(), label),
            Hashes.hmac(d.clusterKey(), label)));
  }

  static String describe(DataDirectory d) {
    return "P-256 key_id " + d.p256().keyIdHex() + ", X25519 key_id " + d.x25519().keyIdHex();
  }

  /** This node's identity is not the cluster's: it must not stay a member. */
  public static final class Refused extends IllegalStateException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Blocking: records this node's identity, or throws {@link Refused} when the cluster already has
   * another one.
   */
  public static void checkOrRecord(HazelcastInstance hz, DataDirectory d) {
    IMap<String, String> map = hz.getMap(ClusterSetup.IDENTITY_MAP);
    String mine = fingerprint(d) + " " + describe(d);
    String cluster = map.putIfAbsent(KEY, mine);
    if (cluster != null && !cluster.equals(mine)) {
      throw new Refused(
          "this node's keys or secrets differ from the cluster's (this node: "
              + describe(d)
              + "; cluster: "
              + cluster.substring(cluster.indexOf(' ') + 1)
              + "). Every node needs the same data secrets: "
              + "see scripts/cluster-init.sh");
    }
  }
}
