package dev.slmp.protocol;

/** Frame types of spec section 2. */
public final class FrameType {
  public static final int HELLO = 0x01;
  public static final int HELLO_REPLY = 0x02;
  public static final int AUTH = 0x03;
  public static final int WELCOME = 0x04;
  public static final int RESUME = 0x05;
  public static final int RESUMED = 0x06;
  public static final int DATA = 0x10;
  public static final int ACK = 0x11;
  public static final int PING = 0x12;
  public static final int PONG = 0x13;
  public static final int CLOSE = 0x1F;

  private FrameType() {}

  /** A readable name for logs ("TYPE_0x07" for an unassigned type). */
  public static String name(int type) {
    switch (type) {
      case HELLO:
        return "HELLO";
      case HELLO_REPLY:
        return "HELLO_REPLY";
      case AUTH:
        return "AUTH";
      case WELCOME:
        return "WELCOME";
      case RESUME:
        return "RESUME";
      case RESUMED:
        return "RESUMED";
      case DATA:
        return "DATA";
      case ACK:
        return "ACK";
      case PING:
        return "PING";
      case PONG:
        return "PONG";
      case CLOSE:
        return "CLOSE";
      default:
        return String.format("TYPE_0x%02X", type);
    }
  }
}
