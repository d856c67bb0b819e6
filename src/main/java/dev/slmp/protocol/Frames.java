package dev.slmp.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Small frames and text rules shared by both sides. */
public final class Frames {
  public static final int MAX_REASON = Close.MAX_REASON;
  private static final byte[] EMPTY = new byte[0];
  public static final byte[] PING = Frame.encode(FrameType.PING, EMPTY);
  public static final byte[] PONG = Frame.encode(FrameType.PONG, EMPTY);

  private Frames() {}

  /**
   * {@code CLOSE}: {@code code u8 || reason}, the reason cut to 254 bytes on a character boundary
   * ({@link Close}).
   */
  public static byte[] close(CloseCode code, String reason) {
    return Close.of(code, reason).frame();
  }

  /** Strict UTF-8 decoding of {@code b[off, off+len)}; null when the bytes are not UTF-8. */
  public static String utf8OrNull(byte[] b, int off, int len) {
    try {
      CharBuffer cb =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b, off, len));
      return cb.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
