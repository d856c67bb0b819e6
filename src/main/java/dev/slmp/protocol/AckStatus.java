package dev.slmp.protocol;

/** ACK status of spec section 6. */
public enum AckStatus {
  /** An application consumer took the message. */
  ACCEPTED(0),
  /** No consumer took it; the sender may retry later. */
  NOT_DELIVERED(1),
  /** A consumer refused it; do not retry. */
  REJECTED(2);

  private final int code;

  AckStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static AckStatus of(int code) {
    for (AckStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return null;
  }
}
