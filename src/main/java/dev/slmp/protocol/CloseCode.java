package dev.slmp.protocol;

/** CLOSE codes of spec section 6. */
public enum CloseCode {
  NORMAL(0x00),
  PROTOCOL_ERROR(0x01),
  UNSUPPORTED_VERSION(0x02),
  UNSUPPORTED_SUITE(0x03),
  UNKNOWN_SERVER_KEY(0x04),
  AUTH_FAILED(0x05),
  SESSION_UNKNOWN(0x06),
  REPLAY(0x07),
  FRAME_TOO_LARGE(0x08),
  TIMEOUT(0x09),
  BUSY(0x0A),
  INTERNAL_ERROR(0x0B),
  DECRYPT_FAILED(0x0C);

  private final int code;

  CloseCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The code with this value, or null for one the spec does not define. */
  public static CloseCode of(int code) {
    for (CloseCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
