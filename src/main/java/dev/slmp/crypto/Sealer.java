package dev.slmp.crypto;

/**
 * {@code seal(K, seq, aad, plaintext)} and {@code open(...)} of spec section 3.2 for one key
 * material {@code K = (key, iv)}. An instance belongs to one connection direction and is not
 * thread-safe.
 */
public interface Sealer {
  byte[] seal(long seq, byte[] aad, byte[] plaintext);

  /** Opens {@code in[off, off+len)}; the returned plaintext excludes the aad. */
  byte[] open(long seq, byte[] aad, byte[] in, int off, int len) throws OpenFailedException;

  default byte[] open(long seq, byte[] aad, byte[] sealed) throws OpenFailedException {
    return open(seq, aad, sealed, 0, sealed.length);
  }
}
