package dev.slmp.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.slmp.crypto.AeadSealer;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.Hkdf;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * What makes a value read from Hazelcast trustworthy: Hazelcast's open-source edition lets anyone
 * who reaches its port join and read or write every map, so every value SLMP stores there is sealed
 * (AES-256-GCM, fresh nonce) or MACed (HMAC-SHA256) under keys derived from the cluster key ({@code
 * dataDir/cluster.key}), which never leaves the nodes. Each seal and MAC is bound to the map and
 * entry key it was written for, so a value moved to another entry or another map does not open. A
 * value that fails its check is treated as absent by the caller.
 *
 * <p>Generic on purpose: any map's values (sessions, a per-device index) are sealed the same way,
 * {@code seal(map, key, bytes)} / {@code open(map, key, bytes)}. Thread-safe; holds only derived
 * keys.
 */
public final class ClusterSeal {
  /** Where a node's seal waits in Hazelcast's user context, for entry processors on that node. */
  static final String CONTEXT_KEY = "slmp.clusterSeal";

  static final int NONCE = AeadSealer.IV_LENGTH;
  static final int MAC = Hashes.LEN;

  private final byte[] sealKey;
  private final byte[] macKey;

  public ClusterSeal(byte[] clusterKey) {
    byte[] salt = Labels.label("cluster store");
    this.sealKey = Hkdf.derive(salt, clusterKey, Labels.label("cluster store seal"), 32);
    this.macKey = Hkdf.derive(salt, clusterKey, Labels.label("cluster store mac"), 32);
  }

  /**
   * This node's seal, also put in Hazelcast's user context so that entry processors running on this
   * member (for any node) can check and re-MAC values with it.
   */
  public static ClusterSeal register(HazelcastInstance hz, byte[] clusterKey) {
    ClusterSeal seal = new ClusterSeal(clusterKey);
    hz.getUserContext().put(CONTEXT_KEY, seal);
    return seal;
  }

  /**
   * {@code nonce[12] | AES-256-GCM(plaintext)} bound to {@code map}, {@code key} and {@code aad}.
   */
  public byte[] seal(String map, String key, byte[] aad, byte[] plaintext) {
    byte[] nonce = new byte[NONCE];
    Randomness.threadRandom().nextBytes(nonce);
    byte[] sealed =
        new AeadSealer(AeadSealer.Algorithm.AES_256_GCM, sealKey, nonce)
            .seal(0, bound(map, key, aad), plaintext);
    return Bytes.concat(nonce, sealed);
  }

  /** The plaintext of a {@link #seal}ed value, or {@link OpenFailedException}. */
  public byte[] open(String map, String key, byte[] aad, byte[] value, int off, int len)
      throws OpenFailedException {
    if (len < NONCE + AeadSealer.TAG_LENGTH) {
      throw new OpenFailedException("sealed value too short");
    }
    byte[] nonce = Arrays.copyOfRange(value, off, off + NONCE);
    return new AeadSealer(AeadSealer.Algorithm.AES_256_GCM, sealKey, nonce)
        .open(0, bound(map, key, aad), value, off + NONCE, len - NONCE);
  }

  /** HMAC-SHA256 of {@code data[off, off+len)}, bound to {@code map} and {@code key}. */
  public byte[] mac(String map, String key, byte[] data, int off, int len) {
    byte[] prefix = bound(map, key, Bytes.EMPTY);
    byte[] all = new byte[prefix.length + len];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(data, off, all, prefix.length, len);
    return Hashes.hmac(macKey, all);
  }

  /** Constant-time check of a {@link #mac}. */
  public boolean verify(String map, String key, byte[] data, int off, int len, byte[] tag) {
    return MessageDigest.isEqual(mac(map, key, data, off, len), tag);
  }

  /** Length-prefixed map name and entry key, then {@code aad}: no two bindings collide. */
  private static byte[] bound(String map, String key, byte[] aad) {
    byte[] m = map.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return Bytes.concat(Bytes.u32(m.length), m, Bytes.u32(k.length), k, aad);
  }
}
