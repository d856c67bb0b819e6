package dev.slmp.crypto;

/** HKDF-SHA256 (RFC 5869) as two separate steps, as the spec uses them. */
public final class Hkdf {
  /** RFC 5869: at most 255 blocks of output. */
  public static final int MAX_OUTPUT = 255 * Hashes.LEN;

  private Hkdf() {}

  /**
   * {@code Extract(salt, ikm) = HMAC(salt, ikm)}; an empty salt acts as 32 zero bytes (HMAC pads
   * keys with zeros).
   */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    return Hashes.hmac(salt, ikm);
  }

  /** {@code Expand(prk, info, n)}; {@code n == 0} is the empty string and computes no HMAC. */
  public static byte[] expand(byte[] prk, byte[] info, int n) {
    if (n < 0 || n > MAX_OUTPUT) {
      throw new IllegalArgumentException(
          "HKDF output length must be 0.." + MAX_OUTPUT + ", was " + n);
    }
    byte[] out = new byte[n];
    if (n == 0) {
      return out;
    }
    byte[] t = new byte[Hashes.LEN];
    int tLen = 0;
    int off = 0;
    for (int i = 1; off < n; i++) {
      // T(i) = HMAC(prk, T(i-1) || info || i)
      Hashes.hmacInto(prk, t, tLen, info, (byte) i, t, 0);
      tLen = Hashes.LEN;
      int take = Math.min(Hashes.LEN, n - off);
      System.arraycopy(t, 0, out, off, take);
      off += take;
    }
    return out;
  }

  /** Extract then expand: the one-call HKDF of RFC 5869 (and of the seed prototype). */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int n) {
    return expand(extract(salt, ikm), info, n);
  }
}
