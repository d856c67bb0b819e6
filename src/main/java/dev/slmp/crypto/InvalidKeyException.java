package dev.slmp.crypto;

/** A peer's public key, or the shared secret it produces, is not acceptable (spec 3.1). */
public final class InvalidKeyException extends Exception {
  public InvalidKeyException(String message) {
    super(message, null, false, false);
  }
}
