package dev.slmp.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 {@code H(x)} and HMAC-SHA256 {@code HMAC(k, x)} of spec section 1, over concatenated
 * parts. The JDK's implementations use the CPU's SHA instructions (4× faster here than a plain-Java
 * SHA-256); one instance per thread, re-keyed per call.
 */
public final class Hashes {
  public static final int LEN = 32;
  private static final byte[] ZERO_KEY = new byte[LEN];
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> instance("SHA-256"));
  private static final ThreadLocal<Mac> HMAC =
      ThreadLocal.withInitial(() -> instance("HmacSHA256"));

  private Hashes() {}

  @SuppressWarnings("unchecked")
  private static <T> T instance(String name) {
    try {
      return (T)
          (name.startsWith("Hmac") ? Mac.getInstance(name) : MessageDigest.getInstance(name));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " is not available in this JDK", e);
    }
  }

  public static byte[] sha256(byte[]... parts) {
    MessageDigest d = SHA256.get();
    for (byte[] p : parts) {
      d.update(p);
    }
    return d.digest();
  }

  private static Mac keyed(byte[] key) {
    Mac mac = HMAC.get();
    try {
      // HMAC pads a short key with zeros, so an empty key (HKDF's absent salt) is the all-zero key;
      // the JCA
      // refuses empty keys outright.
      mac.init(new SecretKeySpec(key.length == 0 ? ZERO_KEY : key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC key refused", e);
    }
    return mac;
  }

  public static byte[] hmac(byte[] key, byte[]... parts) {
    Mac mac = keyed(key);
    for (byte[] p : parts) {
      mac.update(p);
    }
    return mac.doFinal();
  }

  /** HMAC over a region of one array (used on frame bodies without copying them). */
  public static byte[] hmac(byte[] key, byte[] data, int off, int len) {
    Mac mac = keyed(key);
    mac.update(data, off, len);
    return mac.doFinal();
  }

  /** HMAC written into {@code out[outOff, outOff+32)}: HKDF's blocks without an array per block. */
  static void hmacInto(byte[] key, byte[] a, int aLen, byte[] b, byte c, byte[] out, int outOff) {
    Mac mac = keyed(key);
    mac.update(a, 0, aLen);
    mac.update(b);
    mac.update(c);
    try {
      mac.doFinal(out, outOff);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
