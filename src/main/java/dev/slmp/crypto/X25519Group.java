package dev.slmp.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 (RFC 7748) on BouncyCastle's lightweight API; an all-zero shared secret is refused (spec
 * 3.1).
 */
final class X25519Group implements DhGroup {
  static final X25519Group INSTANCE = new X25519Group();
  private static final int LEN = 32;

  private X25519Group() {}

  @Override
  public String name() {
    return "X25519";
  }

  @Override
  public int publicKeyLength() {
    return LEN;
  }

  @Override
  public byte[] generatePrivate(SecureRandom random) {
    byte[] k = new byte[LEN];
    random.nextBytes(k);
    return k;
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    checkPrivate(privateKey);
    byte[] pub = new byte[LEN];
    X25519.scalarMultBase(privateKey, 0, pub, 0);
    return pub;
  }

  @Override
  public void validatePublic(byte[] publicKey) throws InvalidKeyException {
    if (publicKey.length != LEN) {
      throw new InvalidKeyException("X25519 public key must be 32 bytes");
    }
  }

  @Override
  public byte[] agree(byte[] privateKey, byte[] peerPublic) throws InvalidKeyException {
    validatePublic(peerPublic);
    checkPrivate(privateKey);
    byte[] shared = new byte[LEN];
    boolean ok;
    try {
      ok = X25519.calculateAgreement(privateKey, 0, peerPublic, 0, shared, 0);
    } catch (RuntimeException e) {
      // Some library versions throw for a low-order point instead of returning false.
      ok = false;
    }
    if (!ok || Bytes.isAllZero(shared)) {
      throw new InvalidKeyException("X25519 shared secret is all zero (low-order public key)");
    }
    return shared;
  }

  private static void checkPrivate(byte[] privateKey) {
    if (privateKey.length != LEN) {
      throw new IllegalArgumentException("X25519 private key must be 32 bytes");
    }
  }
}
