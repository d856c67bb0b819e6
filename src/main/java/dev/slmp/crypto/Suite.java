package dev.slmp.crypto;

/** The suites of spec section 3: a Diffie-Hellman group and a data cipher. */
public enum Suite {
  P256_FERNET(0x01, DhGroup.p256(), 32, 0),
  P256_AES128GCM(0x02, DhGroup.p256(), 16, 12),
  X25519_CHACHA20POLY1305(0x03, DhGroup.x25519(), 32, 12);

  private final int id;
  private final DhGroup group;
  private final int keyBytes;
  private final int ivBytes;

  Suite(int id, DhGroup group, int keyBytes, int ivBytes) {
    this.id = id;
    this.group = group;
    this.keyBytes = keyBytes;
    this.ivBytes = ivBytes;
  }

  public int id() {
    return id;
  }

  public DhGroup group() {
    return group;
  }

  public int keyBytes() {
    return keyBytes;
  }

  public int ivBytes() {
    return ivBytes;
  }

  /** The suite with this id, or null. */
  public static Suite byId(int id) {
    for (Suite s : values()) {
      if (s.id == id) {
        return s;
      }
    }
    return null;
  }

  /**
   * Length of {@code seal(K, seq, aad, plaintext)}: the AEAD tag, or the whole Fernet token around
   * aad || plaintext.
   */
  public int sealedLength(int aadLength, int plaintextLength) {
    if (this == P256_FERNET) {
      return FernetSealer.HEADER + ((aadLength + plaintextLength) / 16 + 1) * 16 + Hashes.LEN;
    }
    return plaintextLength + AeadSealer.TAG_LENGTH;
  }

  /**
   * A sealer for key material {@code K = (key, iv)}; Fernet draws its ivs and clock from {@code
   * randomness}.
   */
  public Sealer sealer(byte[] key, byte[] iv, Randomness randomness) {
    switch (this) {
      case P256_FERNET:
        return new FernetSealer(key, randomness);
      case P256_AES128GCM:
        return new AeadSealer(AeadSealer.Algorithm.AES_128_GCM, key, iv);
      default:
        return new AeadSealer(AeadSealer.Algorithm.CHACHA20_POLY1305, key, iv);
    }
  }
}
