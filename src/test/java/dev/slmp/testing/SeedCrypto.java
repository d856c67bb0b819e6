package dev.slmp.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The seed prototype's cryptography as spec section 10 and the Fernet spec describe it, written
 * with the JDK alone (no SLMP main code), so the test peers built on it check the node's legacy
 * mode independently.
 */
public final class SeedCrypto {
  public static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  public static final String END = "-----END PUBLIC KEY-----\n";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SeedCrypto() {}

  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code public_bytes(PEM, SubjectPublicKeyInfo)}. */
  public static String pem(byte[] spkiDer) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spkiDer);
    return BEGIN + "\n" + b64 + "\n" + END;
  }

  public static String pem(PublicKey key) {
    return pem(key.getEncoded());
  }

  /**
   * The same key with its point moved off the curve (last byte of Y changed): the DER still parses.
   */
  public static byte[] offCurveSpki(PublicKey key) {
    byte[] der = key.getEncoded();
    der[der.length - 1] ^= 0x01;
    return der;
  }

  public static PublicKey parsePem(String pem) throws GeneralSecurityException {
    int b = pem.indexOf(BEGIN);
    int e = pem.indexOf("-----END PUBLIC KEY-----");
    if (b != 0 || e < 0) {
      throw new GeneralSecurityException("not a PEM public key");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(BEGIN.length(), e));
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
  }

  /**
   * ECDH (X coordinate), then {@code HKDF(SHA256, length=32, salt=None, info=b'handshake data')}.
   */
  public static byte[] fernetKey(PrivateKey mine, PublicKey theirs)
      throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(mine);
    ka.doPhase(theirs, true);
    byte[] shared = ka.generateSecret();
    byte[] prk = hmac(new byte[32], shared);
    byte[] info = "handshake data".getBytes(StandardCharsets.US_ASCII);
    byte[] in = Arrays.copyOf(info, info.length + 1);
    in[info.length] = 1;
    return hmac(prk, in); // 32 bytes are T(1) = HMAC(prk, info || 0x01)
  }

  /**
   * Fernet "generate": base64url(0x80 || u64 time || iv || AES-128-CBC(plaintext) || HMAC), padded.
   */
  public static String encrypt(byte[] key, byte[] plaintext) throws GeneralSecurityException {
    byte[] iv = new byte[16];
    RANDOM.nextBytes(iv);
    Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 16, 16, "AES"), new IvParameterSpec(iv));
    byte[] ct = c.doFinal(plaintext);
    byte[] body = new byte[25 + ct.length];
    body[0] = (byte) 0x80;
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < 8; i++) {
      body[1 + i] = (byte) (now >>> (56 - 8 * i));
    }
    System.arraycopy(iv, 0, body, 9, 16);
    System.arraycopy(ct, 0, body, 25, ct.length);
    byte[] mac = hmac(Arrays.copyOf(key, 16), body);
    byte[] token = Arrays.copyOf(body, body.length + 32);
    System.arraycopy(mac, 0, token, body.length, 32);
    return Base64.getUrlEncoder().encodeToString(token);
  }

  /** Fernet "verify" without a TTL. */
  public static byte[] decrypt(byte[] key, String token) throws GeneralSecurityException {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not base64url");
    }
    if (raw.length < 73 || raw[0] != (byte) 0x80) {
      throw new GeneralSecurityException("not a Fernet token");
    }
    byte[] mac = hmac(Arrays.copyOf(key, 16), Arrays.copyOf(raw, raw.length - 32));
    if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(raw, raw.length - 32, raw.length))) {
      throw new GeneralSecurityException("HMAC does not verify");
    }
    Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, 16, 16, "AES"),
        new IvParameterSpec(raw, 9, 16));
    return c.doFinal(raw, 25, raw.length - 25 - 32);
  }

  /** {@code sha256((username + secret).encode()).hexdigest()}. */
  public static String credential(String username, String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest((username + secret).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The client's plaintext {@code token;username;message}. */
  public static byte[] submission(String username, String secret, String message) {
    return (credential(username, secret) + ";" + username + ";" + message)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return m.doFinal(data);
  }
}
