package dev.slmp.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** SHA-256 {@code H(x)} and HMAC-SHA256 {@code HMAC(k, x)} of spec section 1, over concatenated parts. */
public final class Hashes {
  public static final int LEN = 32;

  private Hashes() {}

  public static byte[] sha256(byte[]... parts) {
    SHA256Digest d = new SHA256Digest();
    for (byte[] p : parts) {
      d.update(p, 0, p.length);
    }
    byte[] out = new byte[LEN];
    d.doFinal(out, 0);
    return out;
  }

  public static byte[] hmac(byte[] key, byte[]... parts) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    for (byte[] p : parts) {
      mac.update(p, 0, p.length);
    }
    byte[] out = new byte[LEN];
    mac.doFinal(out, 0);
    return out;
  }

  /** HMAC over a region of one array (used on frame bodies without copying them). */
  public static byte[] hmac(byte[] key, byte[] data, int off, int len) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, off, len);
    byte[] out = new byte[LEN];
    mac.doFinal(out, 0);
    return out;
  }
}
