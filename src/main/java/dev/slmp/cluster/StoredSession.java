package dev.slmp.cluster;

import dev.slmp.crypto.AeadSealer;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.session.SessionRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A session as the cluster stores it: a plain byte array (no classes to share), with {@code rs}
 * sealed by the cluster key (AES-256-GCM, fresh nonce, the record's other fields as associated
 * data), so the store — and every backup and migration of it — never holds {@code rs} in clear
 * (spec 9). The resume counter stays in clear at a fixed place, so an entry processor can advance
 * it without the key.
 *
 * <pre>
 * u8 version=1 | u32 counter | u64 expires | u8 suite | u8 id_len | id | nonce[12] | sealed rs[48]
 * </pre>
 */
final class StoredSession {
  static final int VERSION = 1;
  static final int COUNTER_OFFSET = 1;
  private static final int NONCE = 12;

  private StoredSession() {}

  static byte[] seal(SessionRecord r, byte[] clusterKey) {
    byte[] id = r.deviceId().getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[NONCE];
    Randomness.threadRandom().nextBytes(nonce);
    byte[] sealed =
        new AeadSealer(AeadSealer.Algorithm.AES_256_GCM, clusterKey, nonce)
            .seal(0, aad(r.sessionId(), r.expires(), r.suite().id(), id), r.rs());
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 + 1 + 1 + id.length + NONCE + sealed.length);
    b.put((byte) VERSION)
        .putInt((int) r.resumeCounter())
        .putLong(r.expires())
        .put((byte) r.suite().id())
        .put((byte) id.length)
        .put(id)
        .put(nonce)
        .put(sealed);
    return b.array();
  }

  static SessionRecord open(byte[] sessionId, byte[] v, byte[] clusterKey)
      throws OpenFailedException {
    try {
      ByteBuffer b = ByteBuffer.wrap(v);
      if (b.get() != VERSION) {
        throw new OpenFailedException("unknown stored session version");
      }
      long counter = b.getInt() & 0xFFFFFFFFL;
      long expires = b.getLong();
      int suiteId = b.get() & 0xFF;
      byte[] id = new byte[b.get() & 0xFF];
      b.get(id);
      byte[] nonce = new byte[NONCE];
      b.get(nonce);
      byte[] sealed = new byte[b.remaining()];
      b.get(sealed);
      byte[] rs =
          new AeadSealer(AeadSealer.Algorithm.AES_256_GCM, clusterKey, nonce)
              .open(0, aad(sessionId, expires, suiteId, id), sealed);
      Suite suite = Suite.byId(suiteId);
      if (suite == null) {
        throw new OpenFailedException("unknown suite in stored session");
      }
      return new SessionRecord(
          sessionId, new String(id, StandardCharsets.UTF_8), suite, rs, expires, counter);
    } catch (RuntimeException e) {
      throw new OpenFailedException("malformed stored session");
    }
  }

  static long counter(byte[] v) {
    return Bytes.u32(v, COUNTER_OFFSET);
  }

  static long expires(byte[] v) {
    return ByteBuffer.wrap(v, 5, 8).getLong();
  }

  static byte[] withCounter(byte[] v, long counter) {
    byte[] copy = v.clone();
    Bytes.putU32(copy, COUNTER_OFFSET, counter);
    return copy;
  }

  private static byte[] aad(byte[] sessionId, long expires, int suite, byte[] id) {
    return ByteBuffer.allocate(sessionId.length + 8 + 1 + id.length)
        .put(sessionId)
        .putLong(expires)
        .put((byte) suite)
        .put(id)
        .array();
  }
}
