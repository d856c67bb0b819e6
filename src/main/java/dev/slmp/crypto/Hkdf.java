package dev.slmp.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** HKDF-SHA256 (RFC 5869) as two separate steps, as the spec uses them. */
public final class Hkdf {
  /** RFC 5869: at most 255 blocks of output. */
  public static final int MAX_OUTPUT = 255 * Hashes.LEN;

  private Hkdf() {}

  /** {@code Extract(salt, ikm) = HMAC(salt, ikm)}; an empty salt acts as 32 zero bytes (HMAC pads keys with zeros). */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    return Hashes.hmac(salt, ikm);
  }

  /** {@code Expand(prk, info, n)}; {@code n == 0} is the empty string and computes no HMAC. */
  public static byte[] expand(byte[] prk, byte[] info, int n) {
    if (n < 0 || n > MAX_OUTPUT) {
      throw new IllegalArgumentException("HKDF output length must be 0.." + MAX_OUTPUT + ", was " + n);
    }
    byte[] out = new byte[n];
    if (n == 0) {
      return out;
    }
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(prk));
    byte[] t = new byte[Hashes.LEN];
    int tLen = 0;
    int off = 0;
    for (int i = 1; off < n; i++) {
      mac.update(t, 0, tLen);
      mac.update(info, 0, info.length);
      mac.update((byte) i);
      mac.doFinal(t, 0);
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
