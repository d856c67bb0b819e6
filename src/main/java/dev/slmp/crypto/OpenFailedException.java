package dev.slmp.crypto;

/**
 * A sealed value did not open: wrong key, altered bytes, bad structure. Carries no detail on
 * purpose.
 */
public final class OpenFailedException extends Exception {
  public OpenFailedException(String message) {
    super(message, null, false, false);
  }
}
