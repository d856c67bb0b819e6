package dev.slmp.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fernet in binary form (spec 3.2): {@code 80 || u64(timestamp) || iv[16] || AES-128-CBC(PKCS#7(aad
 * || plaintext)) || HMAC-SHA256}. The timestamp is never checked: devices have no clocks and the
 * sequence number stops replays.
 */
public final class FernetSealer implements Sealer {
  public static final byte VERSION = (byte) 0x80;

  /** version + timestamp + iv. */
  static final int HEADER = 1 + 8 + 16;

  /** The smallest token: header, one cipher block, HMAC. */
  public static final int MIN_TOKEN = HEADER + 16 + Hashes.LEN;

  /**
   * A thread's AES-CBC Cipher and HMAC for one sealer's key: reused while the connection is busy
   * (RecentKeyStates).
   */
  private static final class Keyed {
    final Cipher cbc;
    final Mac mac;

    Keyed() {
      try {
        cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        mac = Mac.getInstance("HmacSHA256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/CBC or HMAC-SHA256 is not available in this JDK", e);
      }
    }
  }

  private static final RecentKeyStates<Keyed> STATES = new RecentKeyStates<>(Keyed::new);

  private final byte[] signingKey;
  private final SecretKeySpec encryptionKey;
  private final Randomness randomness;

  /**
   * The thread-local slot this sealer used last (RecentKeyStates); it may have been lent to another
   * since.
   */
  private RecentKeyStates.Slot<Keyed> slot;

  public FernetSealer(byte[] key, Randomness randomness) {
    if (key.length != 32) {
      throw new IllegalArgumentException("Fernet key must be 32 bytes");
    }
    this.signingKey = java.util.Arrays.copyOfRange(key, 0, 16);
    this.encryptionKey = new SecretKeySpec(key, 16, 16, "AES");
    this.randomness = randomness;
  }

  /**
   * This thread's Cipher and HMAC for this sealer; the HMAC is keyed, the Cipher is initialised by
   * the caller.
   */
  private Keyed keyed() {
    RecentKeyStates.Slot<Keyed> s = slot;
    if (s == null || !s.lentTo(this)) {
      slot = s = STATES.lend(this);
      try {
        s.state.mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC key refused", e);
      }
    }
    return s.state;
  }

  @Override
  public byte[] seal(long seq, byte[] aad, byte[] plaintext) {
    Randomness.FernetStamp stamp = randomness.fernetStamp();
    return seal(stamp.iv(), stamp.timestamp(), aad, plaintext);
  }

  /** Seals with a given iv and timestamp (the Fernet spec's "generate" operation). */
  public byte[] seal(byte[] iv, long timestamp, byte[] aad, byte[] plaintext) {
    try {
      Keyed k = keyed();
      Cipher c = k.cbc;
      c.init(Cipher.ENCRYPT_MODE, encryptionKey, new IvParameterSpec(iv));
      int ctLen = c.getOutputSize(aad.length + plaintext.length);
      byte[] token = new byte[HEADER + ctLen + Hashes.LEN];
      token[0] = VERSION;
      for (int i = 0; i < 8; i++) {
        token[1 + i] = (byte) (timestamp >>> (56 - 8 * i));
      }
      System.arraycopy(iv, 0, token, 9, 16);
      int n = c.update(aad, 0, aad.length, token, HEADER);
      n += c.doFinal(plaintext, 0, plaintext.length, token, HEADER + n);
      k.mac.update(token, 0, HEADER + n);
      k.mac.doFinal(token, HEADER + n);
      return token;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Fernet seal failed", e);
    }
  }

  @Override
  public byte[] open(long seq, byte[] aad, byte[] in, int off, int len) throws OpenFailedException {
    byte[] decrypted = openToken(in, off, len);
    if (!Bytes.constantTimeStartsWith(decrypted, 0, decrypted.length, aad)) {
      throw new OpenFailedException("sealed value did not open");
    }
    return java.util.Arrays.copyOfRange(decrypted, aad.length, decrypted.length);
  }

  /**
   * Verifies and decrypts a binary token; returns the whole Fernet plaintext. Never checks the
   * timestamp.
   */
  public byte[] openToken(byte[] in, int off, int len) throws OpenFailedException {
    if (len < MIN_TOKEN || (len - (HEADER + Hashes.LEN)) % 16 != 0 || in[off] != VERSION) {
      throw new OpenFailedException("not a Fernet token");
    }
    int macOff = off + len - Hashes.LEN;
    Keyed k = keyed();
    k.mac.update(in, off, len - Hashes.LEN);
    byte[] expected = k.mac.doFinal();
    byte[] actual = java.util.Arrays.copyOfRange(in, macOff, macOff + Hashes.LEN);
    if (!Bytes.constantTimeEquals(expected, actual)) {
      throw new OpenFailedException("sealed value did not open");
    }
    try {
      Cipher c = k.cbc;
      c.init(Cipher.DECRYPT_MODE, encryptionKey, new IvParameterSpec(in, off + 9, 16));
      return c.doFinal(in, off + HEADER, len - HEADER - Hashes.LEN);
    } catch (GeneralSecurityException e) {
      throw new OpenFailedException("sealed value did not open");
    }
  }

  @Override
  public String toString() {
    return "FernetSealer";
  }
}
