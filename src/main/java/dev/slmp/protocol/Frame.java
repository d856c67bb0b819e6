package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;

/**
 * One SLMP/1 frame: {@code type u8 || length u24 || body}. The body array is owned by the frame;
 * callers must not change it.
 */
public record Frame(int type, byte[] body) {
  public static final int HEADER = 4;

  /** The largest length a u24 can say. */
  public static final int MAX_LENGTH = 0xFFFFFF;

  public Frame {
    if (type < 0 || type > 0xFF) {
      throw new IllegalArgumentException("frame type must fit in a byte");
    }
    if (body.length > MAX_LENGTH) {
      throw new IllegalArgumentException("frame body longer than a u24 length can say");
    }
  }

  /** The complete wire encoding ({@code X_frame} in the spec). */
  public byte[] encode() {
    return encode(type, body);
  }

  public static byte[] encode(int type, byte[] body) {
    byte[] out = new byte[HEADER + body.length];
    out[0] = (byte) type;
    out[1] = (byte) (body.length >>> 16);
    out[2] = (byte) (body.length >>> 8);
    out[3] = (byte) body.length;
    System.arraycopy(body, 0, out, HEADER, body.length);
    return out;
  }

  /** The type of a complete frame's wire encoding (its first byte). */
  public static int typeOf(byte[] wire) {
    return wire[0] & 0xFF;
  }

  /**
   * The body length of {@code wire}, checked to be exactly one frame of {@code type}. The handshake
   * is handed complete frames (their bytes go into the transcript), and the message types read
   * their bodies in place.
   */
  static int checkedBodyLength(byte[] wire, int type) {
    if (wire.length < HEADER
        || (wire[0] & 0xFF) != type
        || Bytes.u24(wire, 1) != wire.length - HEADER) {
      throw new IllegalArgumentException("not exactly one " + FrameType.name(type) + " frame");
    }
    return wire.length - HEADER;
  }

  /** Parses exactly one complete frame (tests, vectors); trailing or missing bytes are an error. */
  public static Frame parse(byte[] wire) {
    if (wire.length < HEADER || Bytes.u24(wire, 1) != wire.length - HEADER) {
      throw new IllegalArgumentException("not exactly one frame");
    }
    return new Frame(wire[0] & 0xFF, Bytes.slice(wire, HEADER, wire.length));
  }

  @Override
  public String toString() {
    // Bodies may hold sealed data or keys' public halves; their size is all a log needs.
    return "Frame[" + FrameType.name(type) + ", " + body.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.type == type && java.util.Arrays.equals(f.body, body);
  }

  @Override
  public int hashCode() {
    return 31 * type + java.util.Arrays.hashCode(body);
  }
}
