package dev.slmp.crypto;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * AES-128-GCM and ChaCha20-Poly1305 with the spec's nonce {@code iv XOR (0^8 || u32(seq))}. AES-GCM
 * uses the JCA (hardware support), with each busy sealer keeping its Cipher and so its key schedule
 * ({@link RecentKeyStates}); ChaCha20-Poly1305 uses BouncyCastle's lightweight engine, faster than
 * the JDK 17 Cipher on frame-sized input.
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

  /** Set for ChaCha20-Poly1305, which goes through BouncyCastle (see {@link #chacha}). */
  private final KeyParameter chachaKey;

  private static final ThreadLocal<ChaCha20Poly1305> CHACHA =
      ThreadLocal.withInitial(ChaCha20Poly1305::new);
  private final byte[] iv;

  /**
   * The thread-local slot this sealer used last (RecentKeyStates); it may have been lent to another
   * since.
   */
  private RecentKeyStates.Slot<Cipher> slot;

  /**
   * Each thread's Ciphers by sealer and algorithm: a steady connection keeps its expanded key
   * (RecentKeyStates).
   */
  private static final RecentKeyStates<?>[] CIPHERS =
      new RecentKeyStates<?>[Algorithm.values().length];

  static {
    for (Algorithm a : Algorithm.values()) {
      CIPHERS[a.ordinal()] = new RecentKeyStates<>(() -> newCipher(a));
    }
  }

  /**
   * The highest seq this sealer has sealed. A nonce is {@code iv XOR seq}, so sealing a seq again
   * would reuse a nonce under the same key, which breaks both AEADs: that is a bug, and it fails
   * hard here, whatever an engine would have allowed.
   */
  private long lastSealedSeq = -1;

  public AeadSealer(Algorithm algorithm, byte[] key, byte[] iv) {
    if (key.length != algorithm.keyLength) {
      throw new IllegalArgumentException(
          algorithm + " key must be " + algorithm.keyLength + " bytes");
    }
    if (iv.length != IV_LENGTH) {
      throw new IllegalArgumentException(algorithm + " iv must be " + IV_LENGTH + " bytes");
    }
    this.algorithm = algorithm;
    this.key = new SecretKeySpec(key, algorithm.keyAlgorithm);
    this.chachaKey = algorithm == Algorithm.CHACHA20_POLY1305 ? new KeyParameter(key) : null;
    this.iv = iv.clone();
  }

  @SuppressWarnings("unchecked")
  private RecentKeyStates<Cipher> ciphers() {
    return (RecentKeyStates<Cipher>) CIPHERS[algorithm.ordinal()];
  }

  /**
   * This thread's Cipher for this sealer; the caller initialises it (same key: the JCA keeps its
   * key schedule).
   */
  private Cipher cipher() {
    RecentKeyStates.Slot<Cipher> s = slot;
    if (s == null || !s.lentTo(this)) {
      slot = s = ciphers().lend(this);
    }
    return s.state;
  }

  /** A new Cipher in this sealer's slot (called right after {@link #cipher()}). */
  private Cipher freshCipher() {
    return ciphers().renew(slot);
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

  private static Cipher newCipher(Algorithm algorithm) {
    try {
      return Cipher.getInstance(algorithm.transformation);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available in this JDK", e);
    }
  }

  private AlgorithmParameterSpec params(byte[] nonce) {
    return algorithm != Algorithm.CHACHA20_POLY1305
        ? new GCMParameterSpec(TAG_LENGTH * 8, nonce)
        : new IvParameterSpec(nonce);
  }

  @Override
  public byte[] seal(long seq, byte[] aad, byte[] plaintext) {
    if (seq <= lastSealedSeq) {
      throw new IllegalStateException(
          algorithm
              + ": seq "
              + seq
              + " after "
              + lastSealedSeq
              + " would repeat a nonce; refused");
    }
    lastSealedSeq = seq;
    byte[] nonce = nonce(iv, seq);
    if (chachaKey != null) {
      try {
        return chacha(true, nonce, aad, plaintext, 0, plaintext.length);
      } catch (InvalidCipherTextException e) {
        throw new IllegalStateException(algorithm + " seal failed", e);
      }
    }
    try {
      Cipher cipher = cipher();
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, params(nonce));
      } catch (GeneralSecurityException otherSealer) {
        // The JCA remembers the last key and nonce per Cipher object, across the sealers lent its
        // slot. This sealer never repeats a nonce (the guard above), so this is another sealer with
        // the same key: a test's fixed keys. The guard, not the JCA's check, refuses a repeat.
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
    if (chachaKey != null) {
      try {
        return chacha(false, nonce, aad, in, off, len);
      } catch (InvalidCipherTextException e) {
        CHACHA.remove(); // start the next frame from a fresh engine
        throw new OpenFailedException("sealed value did not open");
      }
    }
    try {
      Cipher cipher = cipher();
      try {
        cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
      } catch (GeneralSecurityException reuse) {
        // The JDK's ChaCha20-Poly1305 refuses any re-init with the previous key and nonce, even to
        // decrypt
        // (e.g. open right after seal of the same seq). Decrypting twice is harmless: use a fresh
        // Cipher.
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

  /**
   * ChaCha20-Poly1305 through BouncyCastle's lightweight API: about 20 % faster than the JDK 17
   * Cipher for frame-sized inputs (no provider dispatch, no key-reuse bookkeeping). One engine per
   * thread; it has no key schedule to keep. Decryption checks the tag in constant time before
   * returning anything.
   */
  private byte[] chacha(boolean encrypt, byte[] nonce, byte[] aad, byte[] in, int off, int len)
      throws InvalidCipherTextException {
    ChaCha20Poly1305 engine = CHACHA.get();
    ParametersWithIV params = new ParametersWithIV(chachaKey, nonce);
    try {
      engine.init(encrypt, params);
    } catch (IllegalArgumentException sameNonce) {
      // The engine remembers the last key and nonce per thread, across sealers. This sealer never
      // repeats a nonce (the guard in seal), so this is another sealer with the same key (a test's
      // fixed keys) or a decryption right after a seal of the same seq: a fresh engine.
      engine = new ChaCha20Poly1305();
      CHACHA.set(engine);
      engine.init(encrypt, params);
    }
    engine.processAADBytes(aad, 0, aad.length);
    byte[] out = new byte[engine.getOutputSize(len)];
    int n = engine.processBytes(in, off, len, out, 0);
    n += engine.doFinal(out, n);
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  @Override
  public String toString() {
    return "AeadSealer[" + algorithm + "]";
  }
}
