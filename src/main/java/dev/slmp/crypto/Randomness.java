package dev.slmp.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Everything a peer draws at random or reads from its clock while it speaks SLMP/1. Production code
 * uses {@link #secure()}; tests inject fixed values so every byte of the vectors can be reproduced.
 */
public interface Randomness {
  /** A fresh ephemeral private key in {@code group}'s encoding. */
  byte[] ephemeralPrivate(DhGroup group);

  /** 16 fresh random bytes ({@code nonce_c}, {@code nonce_s}). */
  byte[] nonce16();

  /** The CBC iv and clock reading for the next Fernet token this peer creates. */
  FernetStamp fernetStamp();

  /** The CBC iv and timestamp (Unix seconds) of one Fernet token. */
  record FernetStamp(byte[] iv, long timestamp) {
    public FernetStamp {
      if (iv.length != 16) {
        throw new IllegalArgumentException("Fernet iv must be 16 bytes");
      }
    }

    @Override
    public String toString() {
      return "FernetStamp[timestamp=" + timestamp + "]";
    }
  }

  /**
   * Cryptographically strong randomness and the system clock, with one generator per thread (no
   * lock).
   */
  static Randomness secure() {
    return SecureRandomness.INSTANCE;
  }

  /**
   * This thread's strong generator (a DRBG per thread: a shared SecureRandom is a lock under load).
   */
  static SecureRandom threadRandom() {
    return SecureRandomness.RANDOM.get();
  }

  /** The default implementation behind {@link #secure()}. */
  final class SecureRandomness implements Randomness {
    static final SecureRandomness INSTANCE = new SecureRandomness();
    static final ThreadLocal<SecureRandom> RANDOM =
        ThreadLocal.withInitial(SecureRandomness::newRandom);

    private SecureRandomness() {}

    private static SecureRandom newRandom() {
      try {
        return SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        return new SecureRandom();
      }
    }

    @Override
    public byte[] ephemeralPrivate(DhGroup group) {
      return group.generatePrivate(RANDOM.get());
    }

    /**
     * Drawn ahead, per thread: one DRBG call for 64 nonces costs about a quarter of the hashing of
     * 64 calls for one (every Fernet token's iv is one, on the steady path). Bytes handed out are
     * zeroed in the pool.
     */
    static final ThreadLocal<NoncePool> NONCES = ThreadLocal.withInitial(NoncePool::new);

    static final class NoncePool {
      final byte[] bytes = new byte[1024];
      int next = bytes.length;

      byte[] take16() {
        if (next == bytes.length) {
          RANDOM.get().nextBytes(bytes);
          next = 0;
        }
        byte[] n = java.util.Arrays.copyOfRange(bytes, next, next + 16);
        java.util.Arrays.fill(bytes, next, next + 16, (byte) 0);
        next += 16;
        return n;
      }
    }

    @Override
    public byte[] nonce16() {
      return NONCES.get().take16();
    }

    @Override
    public FernetStamp fernetStamp() {
      return new FernetStamp(nonce16(), System.currentTimeMillis() / 1000);
    }
  }
}
