package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;

/** One Wycheproof AeadTest case run through {@link AeadSealer} with seq 0 (so nonce = iv). */
final class AeadVectors {
  private AeadVectors() {}

  static void check(AeadSealer.Algorithm alg, JsonObject t) throws Exception {
    String id = Wycheproof.id(t);
    byte[] key = Wycheproof.hex(t, "key");
    byte[] iv = Wycheproof.hex(t, "iv");
    byte[] aad = Wycheproof.hex(t, "aad");
    byte[] msg = Wycheproof.hex(t, "msg");
    byte[] sealed = Bytes.concat(Wycheproof.hex(t, "ct"), Wycheproof.hex(t, "tag"));
    String result = t.getString("result");

    if (iv.length != AeadSealer.IV_LENGTH) {
      // Only a 96-bit iv exists in SLMP (spec 3.2); the constructor refuses any other length.
      if ("valid".equals(result)) {
        fail(id + ": caller must not pass a valid non-96-bit case here");
      }
      assertThrows(
          IllegalArgumentException.class,
          () -> new AeadSealer(alg, key, iv),
          id + ": iv length accepted");
      return;
    }
    AeadSealer sealer = new AeadSealer(alg, key, iv);
    switch (result) {
      case "valid":
        assertArrayEquals(sealed, sealer.seal(0, aad, msg), id + ": seal");
        assertArrayEquals(
            msg, open(sealer, 0, aad, sealed, 0, sealed.length, id + ": open"), id + ": open");
        // A second seal of seq 0 on one sealer would repeat a nonce: refused, hard.
        assertThrows(IllegalStateException.class, () -> sealer.seal(0, aad, msg), id + ": re-seal");
        // Another sealer with the same key (fixed test keys) seals the same bytes.
        assertArrayEquals(
            sealed, new AeadSealer(alg, key, iv).seal(0, aad, msg), id + ": other sealer");
        // The offset form on a larger buffer.
        byte[] buf = Bytes.concat(new byte[5], sealed, new byte[3]);
        assertArrayEquals(
            msg,
            open(sealer, 0, aad, buf, 5, sealed.length, id + ": open at offset"),
            id + ": open at offset");
        break;
      case "invalid":
        assertThrows(
            OpenFailedException.class,
            () -> sealer.open(0, aad, sealed),
            id + ": invalid case opened");
        // The sealer must stay usable after a failed open.
        byte[] again = sealer.seal(1, aad, msg);
        assertArrayEquals(
            msg, open(sealer, 1, aad, again, 0, again.length, id + ": open after failed open"), id);
        break;
      default:
        fail(id + ": unexpected result " + result);
    }
  }

  /**
   * {@code open}, turning a failure into an assertion that names the case (the exception has no
   * stack).
   */
  private static byte[] open(
      AeadSealer s, long seq, byte[] aad, byte[] in, int off, int len, String what) {
    try {
      return s.open(seq, aad, in, off, len);
    } catch (OpenFailedException e) {
      throw new AssertionError(what + ": did not open");
    }
  }
}
