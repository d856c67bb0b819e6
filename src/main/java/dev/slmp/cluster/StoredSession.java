package dev.slmp.cluster;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Suite;
import dev.slmp.session.SessionRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A session as the cluster stores it: a plain byte array (no classes to share). The device id,
 * suite and {@code rs} are sealed ({@link ClusterSeal}), so the store — and every backup and
 * migration of it — never holds {@code rs} in clear (spec 9). The resume counter and expiry stay in
 * clear at fixed places, so an entry processor can compare them, but under a MAC over the whole
 * value: a counter reset, an expiry pushed out or a body swapped in from another entry fails the
 * check, and the value is treated as absent. Every value is bound to its map and entry key.
 *
 * <pre>
 * u8 version=2 | u32 counter | u64 expires | mac[32] | nonce[12] | sealed(u8 suite | u8 id_len | id | rs)
 * </pre>
 *
 * The MAC covers version, counter, expires and everything after the MAC. It cannot stop a member of
 * the Hazelcast cluster from writing back an older value of the same entry in full
 * (docs/security.md: Hazelcast's port must be reachable by the nodes only).
 */
final class StoredSession {
  static final int VERSION = 2;
  static final int COUNTER_OFFSET = 1;
  private static final int EXPIRES_OFFSET = 5;
  private static final int MAC_OFFSET = 13;
  private static final int BODY_OFFSET = MAC_OFFSET + ClusterSeal.MAC;

  private StoredSession() {}

  static byte[] seal(SessionRecord r, ClusterSeal seal) {
    String key = Bytes.hex(r.sessionId());
    byte[] id = r.deviceId().getBytes(StandardCharsets.UTF_8);
    byte[] inner =
        ByteBuffer.allocate(2 + id.length + r.rs().length)
            .put((byte) r.suite().id())
            .put((byte) id.length)
            .put(id)
            .put(r.rs())
            .array();
    byte[] body = seal.seal(ClusterSetup.SESSIONS_MAP, key, expiresBytes(r.expires()), inner);
    byte[] v = new byte[BODY_OFFSET + body.length];
    v[0] = VERSION;
    Bytes.putU32(v, COUNTER_OFFSET, r.resumeCounter());
    ByteBuffer.wrap(v, EXPIRES_OFFSET, 8).putLong(r.expires());
    System.arraycopy(body, 0, v, BODY_OFFSET, body.length);
    return withMac(v, key, seal);
  }

  /** Whether {@code v} is a well-formed value for entry {@code key} whose MAC holds. */
  static boolean intact(String key, byte[] v, ClusterSeal seal) {
    if (v == null || v.length < BODY_OFFSET || v[0] != VERSION) {
      return false;
    }
    return seal.verify(
        ClusterSetup.SESSIONS_MAP,
        key,
        unmacced(v),
        0,
        v.length - ClusterSeal.MAC,
        Arrays.copyOfRange(v, MAC_OFFSET, BODY_OFFSET));
  }

  static SessionRecord open(byte[] sessionId, byte[] v, ClusterSeal seal)
      throws OpenFailedException {
    String key = Bytes.hex(sessionId);
    if (!intact(key, v, seal)) {
      throw new OpenFailedException("stored session fails its check");
    }
    try {
      long expires = expires(v);
      byte[] inner =
          seal.open(
              ClusterSetup.SESSIONS_MAP,
              key,
              expiresBytes(expires),
              v,
              BODY_OFFSET,
              v.length - BODY_OFFSET);
      ByteBuffer b = ByteBuffer.wrap(inner);
      Suite suite = Suite.byId(b.get() & 0xFF);
      byte[] id = new byte[b.get() & 0xFF];
      b.get(id);
      byte[] rs = new byte[b.remaining()];
      b.get(rs);
      if (suite == null) {
        throw new OpenFailedException("unknown suite in stored session");
      }
      return new SessionRecord(
          sessionId, new String(id, StandardCharsets.UTF_8), suite, rs, expires, counter(v));
    } catch (RuntimeException e) {
      throw new OpenFailedException("malformed stored session");
    }
  }

  static long counter(byte[] v) {
    return Bytes.u32(v, COUNTER_OFFSET);
  }

  static long expires(byte[] v) {
    return ByteBuffer.wrap(v, EXPIRES_OFFSET, 8).getLong();
  }

  /** {@code v} with another counter and its MAC computed again (the entry processor's step). */
  static byte[] withCounter(byte[] v, long counter, String key, ClusterSeal seal) {
    byte[] copy = v.clone();
    Bytes.putU32(copy, COUNTER_OFFSET, counter);
    return withMac(copy, key, seal);
  }

  private static byte[] withMac(byte[] v, String key, ClusterSeal seal) {
    byte[] mac =
        seal.mac(ClusterSetup.SESSIONS_MAP, key, unmacced(v), 0, v.length - ClusterSeal.MAC);
    System.arraycopy(mac, 0, v, MAC_OFFSET, ClusterSeal.MAC);
    return v;
  }

  /** The value without its MAC field: what the MAC covers. */
  private static byte[] unmacced(byte[] v) {
    byte[] out = new byte[v.length - ClusterSeal.MAC];
    System.arraycopy(v, 0, out, 0, MAC_OFFSET);
    System.arraycopy(v, BODY_OFFSET, out, MAC_OFFSET, v.length - BODY_OFFSET);
    return out;
  }

  private static byte[] expiresBytes(long expires) {
    return ByteBuffer.allocate(8).putLong(expires).array();
  }
}
