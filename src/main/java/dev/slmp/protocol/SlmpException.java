package dev.slmp.protocol;

/**
 * A failure that ends a connection with a CLOSE code. The message is safe to log and to send as the
 * CLOSE reason: it never holds key material, proofs or plaintext.
 */
public class SlmpException extends Exception {
  private final CloseCode code;

  public SlmpException(CloseCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public CloseCode code() {
    return code;
  }

  @Override
  public String toString() {
    return "SlmpException[" + code + ": " + getMessage() + "]";
  }
}
