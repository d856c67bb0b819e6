package dev.slmp.testing;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Randomness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A randomness object of the SLMP/1 vectors: the values one peer drew, handed out in the order it
 * drew them.
 */
public final class VectorRandomness implements Randomness {
  private final Deque<byte[]> ephemeral = new ArrayDeque<>();
  private final Deque<byte[]> nonces = new ArrayDeque<>();
  private final Deque<FernetStamp> fernet = new ArrayDeque<>();

  public VectorRandomness(JsonObject r) {
    hexes(r.getJsonArray("ephemeral_private"), ephemeral);
    hexes(r.getJsonArray("nonce_c"), nonces);
    hexes(r.getJsonArray("nonce_s"), nonces);
    for (Object o : r.getJsonArray("fernet_seals")) {
      JsonObject s = (JsonObject) o;
      fernet.add(new FernetStamp(Bytes.unhex(s.getString("iv")), s.getLong("timestamp")));
    }
  }

  private static void hexes(JsonArray a, Deque<byte[]> into) {
    for (Object o : a) {
      into.add(Bytes.unhex((String) o));
    }
  }

  private static <T> T next(Deque<T> q, String what) {
    T v = q.poll();
    if (v == null) {
      throw new AssertionError("the vector's randomness has no more " + what);
    }
    return v;
  }

  @Override
  public byte[] ephemeralPrivate(DhGroup group) {
    return next(ephemeral, "ephemeral keys");
  }

  @Override
  public byte[] nonce16() {
    return next(nonces, "nonces");
  }

  @Override
  public FernetStamp fernetStamp() {
    return next(fernet, "Fernet seals");
  }
}
