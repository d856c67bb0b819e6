package dev.slmp.crypto;

import java.util.Base64;

/**
 * The textual Fernet form (github.com/fernet/spec): a base64url token and a base64url key, as the
 * seed prototype and every Fernet library use them. Built on {@link FernetSealer}'s binary form.
 */
public final class Fernet {
  private final FernetSealer sealer;

  /** {@code key}: the 32 raw key bytes (signing key first, then encryption key). */
  public Fernet(byte[] key) {
    this.sealer = new FernetSealer(key, Randomness.secure());
  }

  /** A Fernet key as libraries take it: base64url of 32 bytes. */
  public static Fernet fromBase64Key(String key) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Fernet key is not base64url");
    }
    return new Fernet(raw);
  }

  public String encrypt(byte[] plaintext) {
    return Base64.getUrlEncoder().encodeToString(sealer.seal(0, Bytes.EMPTY, plaintext));
  }

  public String encrypt(byte[] plaintext, byte[] iv, long timestamp) {
    return Base64.getUrlEncoder()
        .encodeToString(sealer.seal(iv, timestamp, Bytes.EMPTY, plaintext));
  }

  /** Verifies and decrypts a base64url token; never checks its timestamp (spec 3.2). */
  public byte[] decrypt(String token) throws OpenFailedException {
    byte[] raw = decodeToken(token);
    return sealer.openToken(raw, 0, raw.length);
  }

  /**
   * The timestamp of a token that {@link #decrypt} accepted (for callers that apply a TTL
   * themselves).
   */
  public static long timestamp(String token) throws OpenFailedException {
    byte[] raw = decodeToken(token);
    long ts = 0;
    for (int i = 1; i <= 8; i++) {
      ts = (ts << 8) | (raw[i] & 0xFF);
    }
    return ts;
  }

  private static byte[] decodeToken(String token) throws OpenFailedException {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new OpenFailedException("token is not base64url");
    }
    if (raw.length < FernetSealer.MIN_TOKEN) {
      throw new OpenFailedException("not a Fernet token");
    }
    return raw;
  }

  @Override
  public String toString() {
    return "Fernet";
  }
}
