package dev.slmp.crypto;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128-GCM and ChaCha20-Poly1305 with the spec's nonce {@code iv XOR (0^8 || u32(seq))}. Uses the JCA
 * (AES-GCM there has hardware support); one {@link Cipher} per direction, re-initialised per frame.
 */
public final class AeadSealer implements Sealer {
  public static final int TAG_LENGTH = 16;
  public static final int IV_LENGTH = 12;

  /** The two AEADs of the spec's suites. */
  public enum Algorithm {
    AES_128_GCM("AES/GCM/NoPadding", "AES", 16),
    /** Not a suite cipher: seals what a cluster stores with its 32-byte cluster key. */
    AES_256_GCM("AES/GCM/NoPadding", "AES", 32),
    CHACHA20_POLY1305("ChaCha20-Poly1305", "ChaCha20", 32);

    final String transformation;
    final String keyAlgorithm;
    final int keyLength;

    Algorithm(String transformation, String keyAlgorithm, int keyLength) {
      this.transformation = transformation;
      this.keyAlgorithm = keyAlgorithm;
      this.keyLength = keyLength;
    }
  }

  private final Algorithm algorithm;
  private final SecretKeySpec key;
  private final byte[] iv;
  /** One Cipher per algorithm and thread, re-initialised per frame: creating one costs about 1 µs and 3 KB. */
  private static final ThreadLocal<Cipher[]> CIPHERS = ThreadLocal.withInitial(() -> new Cipher[Algorithm.values().length]);

  public AeadSealer(Algorithm algorithm, byte[] key, byte[] iv) {
    if (key.length != algorithm.keyLength) {
      throw new IllegalArgumentException(algorithm + " key must be " + algorithm.keyLength + " bytes");
    }
    if (iv.length != IV_LENGTH) {
      throw new IllegalArgumentException(algorithm + " iv must be " + IV_LENGTH + " bytes");
    }
    this.algorithm = algorithm;
    this.key = new SecretKeySpec(key, algorithm.keyAlgorithm);
    this.iv = iv.clone();
  }

  private Cipher cipher() {
    Cipher[] cs = CIPHERS.get();
    Cipher c = cs[algorithm.ordinal()];
    return c != null ? c : freshCipher();
  }

  private Cipher freshCipher() {
    Cipher c = newCipher();
    CIPHERS.get()[algorithm.ordinal()] = c;
    return c;
  }

  /** {@code iv XOR (0^8 || u32(seq))}. */
  public static byte[] nonce(byte[] iv, long seq) {
    byte[] n = iv.clone();
    n[8] ^= (byte) (seq >>> 24);
    n[9] ^= (byte) (seq >>> 16);
    n[10] ^= (byte) (seq >>> 8);
    n[11] ^= (byte) seq;
    return n;
  }

  private Cipher newCipher() {
    try {
      return Cipher.getInstance(algorithm.transformation);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available in this JDK", e);
    }
  }

  private AlgorithmParameterSpec params(byte[] nonce) {
    return algorithm != Algorithm.CHACHA20_POLY1305 ? new GCMParameterSpec(TAG_LENGTH * 8, nonce) : new IvParameterSpec(nonce);
  }

  @Override
  public byte[] seal(long seq, byte[] aad, byte[] plaintext) {
    byte[] nonce = nonce(iv, seq);
    try {
      Cipher cipher = cipher();
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, params(nonce));
      } catch (GeneralSecurityException reuse) {
        // The JCA refuses to encrypt twice under one key and nonce with the same Cipher object. The protocol
        // never does that; re-sealing a known input (tests) gets a fresh Cipher.
        cipher = freshCipher();
        cipher.init(Cipher.ENCRYPT_MODE, key, params(nonce));
      }
      cipher.updateAAD(aad);
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " seal failed", e);
    }
  }

  @Override
  public byte[] open(long seq, byte[] aad, byte[] in, int off, int len) throws OpenFailedException {
    if (len < TAG_LENGTH) {
      throw new OpenFailedException("sealed value shorter than its tag");
    }
    byte[] nonce = nonce(iv, seq);
    try {
      Cipher cipher = cipher();
      try {
        cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
      } catch (GeneralSecurityException reuse) {
        // The JDK's ChaCha20-Poly1305 refuses any re-init with the previous key and nonce, even to decrypt
        // (e.g. open right after seal of the same seq). Decrypting twice is harmless: use a fresh Cipher.
        cipher = freshCipher();
        cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
      }
      cipher.updateAAD(aad);
      return cipher.doFinal(in, off, len);
    } catch (GeneralSecurityException e) {
      // A failed decryption can leave the Cipher unusable for the next init on some providers.
      freshCipher();
      throw new OpenFailedException("sealed value did not open");
    }
  }

  @Override
  public String toString() {
    return "AeadSealer[" + algorithm + "]";
  }
}
