package dev.slmp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * CLOSE (spec 6); not sealed.
 *
 * <pre>
 * +---------+---------------------------+
 * | code u8 | reason (UTF-8, 0..254)    |
 * +---------+---------------------------+
 * </pre>
 *
 * An empty body means "no code" ({@link #NO_CODE}). A receiver treats CLOSE as advisory and closes,
 * so {@link #decode} never fails: a code the spec does not define is kept as its value ({@link
 * #closeCode} is null then), and a reason that is not UTF-8 reads as empty. {@link #encode} cuts a
 * reason to 254 bytes on a character boundary.
 */
public record Close(int code, String reason) {
  /** The code of an empty body. */
  public static final int NO_CODE = -1;

  /** The longest reason, in UTF-8 bytes. */
  public static final int MAX_REASON = 254;

  public Close {
    Objects.requireNonNull(reason);
    if (code < NO_CODE || code > 0xFF || (code == NO_CODE && !reason.isEmpty())) {
      throw new IllegalArgumentException("CLOSE code must be a u8 (or none, with no reason)");
    }
  }

  /** A CLOSE with {@code code}; a null reason is empty. */
  public static Close of(CloseCode code, String reason) {
    return new Close(code.code(), reason == null ? "" : reason);
  }

  /** Decodes a body. */
  public static Close decode(byte[] body) {
    if (body.length == 0) {
      return new Close(NO_CODE, "");
    }
    String reason = Frames.utf8OrNull(body, 1, body.length - 1);
    return new Close(body[0] & 0xFF, reason == null ? "" : reason);
  }

  /** The code, or null when there is none or the spec does not define it. */
  public CloseCode closeCode() {
    return code == NO_CODE ? null : CloseCode.of(code);
  }

  /** The body. */
  public byte[] encode() {
    if (code == NO_CODE) {
      return new byte[0];
    }
    byte[] r = truncateUtf8(reason, MAX_REASON);
    byte[] body = new byte[1 + r.length];
    body[0] = (byte) code;
    System.arraycopy(r, 0, body, 1, r.length);
    return body;
  }

  /** The complete frame. */
  public byte[] frame() {
    return Frame.encode(FrameType.CLOSE, encode());
  }

  static byte[] truncateUtf8(String s, int max) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= max) {
      return b;
    }
    int end = max;
    while (end > 0 && (b[end] & 0xC0) == 0x80) {
      end--;
    }
    return Arrays.copyOf(b, end);
  }
}
