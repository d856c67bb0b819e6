package dev.slmp.handshake;

import dev.slmp.crypto.DhGroup;
import java.util.Arrays;
import java.util.List;

/**
 * The server's static keys; several per group are allowed (rotation), chosen by key_id (spec 4).
 */
public final class ServerKeyRing {
  private final List<StaticKey> keys;

  public ServerKeyRing(List<StaticKey> keys) {
    this.keys = List.copyOf(keys);
  }

  public static ServerKeyRing of(StaticKey... keys) {
    return new ServerKeyRing(Arrays.asList(keys));
  }

  /**
   * The key of {@code group} named by {@code keyId}, or null (a key of the other group is not a
   * match).
   */
  public StaticKey find(DhGroup group, byte[] keyId, int off) {
    for (StaticKey k : keys) {
      if (k.group() == group && Arrays.equals(k.keyId(), 0, 4, keyId, off, off + 4)) {
        return k;
      }
    }
    return null;
  }

  public List<StaticKey> keys() {
    return keys;
  }

  @Override
  public String toString() {
    return "ServerKeyRing" + keys;
  }
}
