package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;
import java.util.Objects;

/**
 * ACK (spec 6), in its sealed envelope {@code flags u8 || seq u32 || seal(K_dir, seq, 0x11 || flags
 * || seq, plaintext)} ({@link SealedFrames}). This type is the plaintext:
 *
 * <pre>
 * +---------------+-----------+
 * | acked_seq u32 | status u8 |
 * +---------------+-----------+
 * </pre>
 *
 * Another plaintext length, or a status that {@link AckStatus} does not define, is PROTOCOL_ERROR.
 */
public record Ack(long ackedSeq, AckStatus status) {
  /** The plaintext's length. */
  public static final int LENGTH = 4 + 1;

  private static final int STATUS_OFFSET = 4;

  public Ack {
    Objects.requireNonNull(status);
    if (ackedSeq < 0 || ackedSeq > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("acked_seq is not a u32");
    }
  }

  /** The plaintext, without a record (the per-message path). */
  public static byte[] encode(long ackedSeq, AckStatus status) {
    byte[] p = new byte[LENGTH];
    Bytes.putU32(p, 0, ackedSeq);
    p[STATUS_OFFSET] = (byte) status.code();
    return p;
  }

  /** The plaintext. */
  public byte[] encode() {
    return encode(ackedSeq, status);
  }

  /** Decodes an opened plaintext. */
  public static Ack decode(byte[] plaintext) throws SlmpException {
    if (plaintext.length != LENGTH) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, "ACK plaintext must be " + LENGTH + " bytes");
    }
    int code = plaintext[STATUS_OFFSET] & 0xFF;
    AckStatus status = AckStatus.of(code);
    if (status == null) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "ACK status " + code + " unknown");
    }
    return new Ack(Bytes.u32(plaintext, 0), status);
  }
}
