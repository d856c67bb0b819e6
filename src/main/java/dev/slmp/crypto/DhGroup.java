package dev.slmp.crypto;

/** A Diffie-Hellman group of spec section 3.1, with the spec's exact key encodings. */
public interface DhGroup {
  /** The group's name as written in the spec ("P-256", "X25519"). */
  String name();

  /** Length in bytes of an encoded public key (65 or 32). */
  int publicKeyLength();

  /** A new private key from {@code random} bytes (already in range). */
  byte[] generatePrivate(java.security.SecureRandom random);

  /** The public key of a private key, in the spec's encoding. */
  byte[] publicKey(byte[] privateKey);

  /** Checks a peer's public key exactly as spec 3.1 says; throws when it must be refused. */
  void validatePublic(byte[] publicKey) throws InvalidKeyException;

  /**
   * {@code DH(priv, pub)}: validates {@code pub}, then returns the shared secret (32 bytes). A
   * low-order X25519 key (all-zero result) and any invalid point throw {@link InvalidKeyException}.
   */
  byte[] agree(byte[] privateKey, byte[] peerPublic) throws InvalidKeyException;

  /**
   * A peer public key checked once (spec 3.1) for several agreements (a server's {@code es} and
   * {@code ee}).
   */
  interface Peer {
    byte[] encoded();
  }

  /**
   * Checks {@code publicKey} as {@link #validatePublic} does, once; P-256 also keeps the decoded
   * point.
   */
  default Peer peer(byte[] publicKey) throws InvalidKeyException {
    validatePublic(publicKey);
    byte[] copy = publicKey.clone();
    return () -> copy;
  }

  /** {@link #agree} with a peer from {@link #peer}: same result and the same refusals. */
  default byte[] agree(byte[] privateKey, Peer peer) throws InvalidKeyException {
    return agree(privateKey, peer.encoded());
  }

  /**
   * {@link #agree} for a private key used again and again (the server's static key): a group whose
   * scalar multiplication is not constant-time hides the key's pattern. X25519's ladder is
   * constant-time already.
   */
  default byte[] agreeLongTerm(byte[] longTermPrivate, Peer peer) throws InvalidKeyException {
    return agree(longTermPrivate, peer);
  }

  /**
   * {@link #agree} with a long-lived peer key used again and again (a device's server key): a group
   * may keep a precomputation for it. Same result and same checks as {@link #agree}.
   */
  default byte[] agreeWithStatic(byte[] privateKey, byte[] staticPublic)
      throws InvalidKeyException {
    return agree(privateKey, staticPublic);
  }

  static DhGroup p256() {
    return P256Group.INSTANCE;
  }

  static DhGroup x25519() {
    return X25519Group.INSTANCE;
  }
}
