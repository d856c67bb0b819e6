package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Sealer;

/**
 * The sealed envelope of WELCOME, DATA and ACK (spec 5, 6); the plaintexts are {@link Welcome},
 * {@link Data} and {@link Ack}.
 *
 * <pre>
 * +----------+---------+-----------------------------------------------------+
 * | flags u8 | seq u32 | seal(K, seq, aad = type || flags || seq, plaintext) |
 * +----------+---------+-----------------------------------------------------+
 * </pre>
 *
 * A receiver checks the body in the order of spec 6: shorter than {@link #PREFIX} → PROTOCOL_ERROR,
 * then the flags, then the seq, then {@code open}. These are static accessors, not a record: this
 * is the per-message path, and reading two fields must not allocate. The body-level accessors need
 * a body of at least {@link #PREFIX} bytes (the caller checks that first, as spec 6 orders); the
 * frame-level ones a complete sealed frame.
 */
public final class SealedFrames {
  /** {@code flags || seq}: the clear bytes before the sealed value. */
  public static final int PREFIX = 1 + 4;

  /** {@code type || flags || seq}: the associated data. */
  public static final int AAD_LENGTH = 1 + PREFIX;

  public static final int FLAG_ACK_REQUESTED = 0x01;
  public static final int FLAG_EARLY = 0x02;
  private static final int SEQ_OFFSET = 1;

  private SealedFrames() {}

  public static byte[] aad(int type, int flags, long seq) {
    byte[] aad = new byte[AAD_LENGTH];
    aad[0] = (byte) type;
    aad[1] = (byte) flags;
    Bytes.putU32(aad, 1 + SEQ_OFFSET, seq);
    return aad;
  }

  /** The complete frame. */
  public static byte[] seal(Sealer sealer, int type, int flags, long seq, byte[] plaintext) {
    return frame(type, flags, seq, sealer.seal(seq, aad(type, flags, seq), plaintext));
  }

  /** The complete frame around an already sealed value. */
  public static byte[] frame(int type, int flags, long seq, byte[] sealed) {
    int len = PREFIX + sealed.length;
    byte[] frame = new byte[Frame.HEADER + len];
    frame[0] = (byte) type;
    Bytes.putU24(frame, 1, len);
    frame[Frame.HEADER] = (byte) flags;
    Bytes.putU32(frame, Frame.HEADER + SEQ_OFFSET, seq);
    System.arraycopy(sealed, 0, frame, Frame.HEADER + PREFIX, sealed.length);
    return frame;
  }

  /** The flags of a body of at least {@link #PREFIX} bytes. */
  public static int flags(byte[] body) {
    return body[0] & 0xFF;
  }

  /** The seq of a body of at least {@link #PREFIX} bytes. */
  public static long seq(byte[] body) {
    return Bytes.u32(body, SEQ_OFFSET);
  }

  /** The flags of a complete sealed frame (its wire encoding). */
  public static int frameFlags(byte[] frame) {
    return frame[Frame.HEADER] & 0xFF;
  }

  /** The seq of a complete sealed frame (its wire encoding). */
  public static long frameSeq(byte[] frame) {
    return Bytes.u32(frame, Frame.HEADER + SEQ_OFFSET);
  }

  /**
   * {@link Data#encode(byte[], byte[])}, kept for {@code ServerConnection.sendData} (being reworked
   * on another branch); new code calls {@link Data} directly.
   */
  public static byte[] dataPlaintext(byte[] topic, byte[] payload) {
    return Data.encode(topic, payload);
  }
}
