package dev.slmp.datadir;

import dev.slmp.crypto.Bytes;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * One device id's state in the registry, built so that copies of it on several nodes can be merged
 * in any order and any number of times with the same result ({@link #merge}): the registered key
 * (null when the device only has the master-secret derivation) with when it was added, and the
 * times of its latest revocation and latest reinstatement. The device is revoked when its latest
 * revocation is not older than its latest reinstatement, so a stale copy can never undo a
 * revocation, and a revocation and a reinstatement made at the same millisecond end revoked.
 *
 * @param key the registered key (32 bytes), or null
 * @param added when the key was registered (epoch ms), 0 without a key
 * @param revokedAt the latest revocation (epoch ms), 0 when never revoked
 * @param reinstatedAt the latest reinstatement (epoch ms), 0 when never reinstated
 */
public record DeviceRecord(String id, byte[] key, long added, long revokedAt, long reinstatedAt) {

  public boolean revoked() {
    return revokedAt > 0 && revokedAt >= reinstatedAt;
  }

  public boolean registered() {
    return key != null;
  }

  /**
   * The union of two copies of the same id: the later revocation and the later reinstatement; of
   * two different keys, the one added first (then the smaller), so every node picks the same.
   */
  public DeviceRecord merge(DeviceRecord o) {
    if (o == null) {
      return this;
    }
    byte[] k;
    long a;
    if (key == null || (o.key != null && earlier(o, this))) {
      k = o.key;
      a = o.added;
    } else {
      k = key;
      a = added;
    }
    return new DeviceRecord(
        id, k, a, Math.max(revokedAt, o.revokedAt), Math.max(reinstatedAt, o.reinstatedAt));
  }

  private static boolean earlier(DeviceRecord x, DeviceRecord y) {
    if (x.added != y.added) {
      return x.added < y.added;
    }
    return Arrays.compareUnsigned(x.key, y.key) < 0;
  }

  /** A revocation of this id at {@code now} (always later than its latest reinstatement). */
  DeviceRecord revokedAt(long now) {
    return new DeviceRecord(id, key, added, Math.max(now, reinstatedAt), reinstatedAt);
  }

  /** A reinstatement at {@code now} (always later than its latest revocation). */
  DeviceRecord reinstatedAt(long now) {
    return new DeviceRecord(id, key, added, revokedAt, Math.max(now, revokedAt + 1));
  }

  /** Same state (keys compared by content). */
  public boolean sameAs(DeviceRecord o) {
    return o != null
        && id.equals(o.id)
        && Arrays.equals(key, o.key)
        && added == o.added
        && revokedAt == o.revokedAt
        && reinstatedAt == o.reinstatedAt;
  }

  /**
   * JSON for the cluster's copy (it holds the key: only ever stored sealed). The id is not in it:
   * the entry's key names it, and the seal binds the two.
   */
  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("added", added)
            .put("revokedAt", revokedAt)
            .put("reinstatedAt", reinstatedAt);
    if (key != null) {
      j.put("key", Bytes.hex(key));
    }
    return j;
  }

  /** The record of {@code id} from {@link #toJson}; IllegalArgumentException when malformed. */
  public static DeviceRecord fromJson(String id, JsonObject j) {
    try {
      DeviceRegistry.validateId(id);
      String hex = j.getString("key");
      byte[] key = null;
      if (hex != null) {
        if (hex.length() != 64 || !hex.matches("[0-9a-fA-F]+")) {
          throw new IllegalArgumentException("key is not 64 hex digits");
        }
        key = Bytes.unhex(hex);
      }
      long added = j.getLong("added", 0L);
      long revokedAt = j.getLong("revokedAt", 0L);
      long reinstatedAt = j.getLong("reinstatedAt", 0L);
      if (added < 0 || revokedAt < 0 || reinstatedAt < 0) {
        throw new IllegalArgumentException("negative time");
      }
      return new DeviceRecord(id, key, added, revokedAt, reinstatedAt);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("a field has the wrong type");
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "DeviceRecord["
        + id
        + (key != null ? ", registered" : "")
        + (revoked() ? ", revoked" : "")
        + ", revokedAt="
        + revokedAt
        + ", reinstatedAt="
        + reinstatedAt
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceRecord r && sameAs(r);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }
}
