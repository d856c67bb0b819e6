package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * RESUME (spec 8), a device's first flight when it resumes a session; not sealed.
 *
 * <pre>
 * +------------+----------+-----------------+-------------+---------------+-------------+
 * | version u8 | suite u8 | session_id [16] | counter u32 | nonce_c [16]  | binder [32] |
 * +------------+----------+-----------------+-------------+---------------+-------------+
 * |&lt;------------------------ binder input (38 bytes) ----------------------&gt;|
 * </pre>
 *
 * {@link #decode} makes the structural checks of spec 8 in its order, which is HELLO's ({@link
 * Hello#versionAndSuite}) and then the exact length: empty → PROTOCOL_ERROR, version →
 * UNSUPPORTED_VERSION, shorter than 2 → PROTOCOL_ERROR, suite → UNSUPPORTED_SUITE, not 70 bytes →
 * PROTOCOL_ERROR. The session, binder and counter checks are the handshake's, after these. The
 * arrays are owned by the record: {@code decode} copies them out of the body, and nobody changes
 * them after.
 */
public record Resume(Suite suite, byte[] sessionId, long counter, byte[] nonce, byte[] binder) {
  /** {@code version || suite || session_id || counter || nonce_c}: what the binder covers. */
  public static final int BINDER_INPUT_LENGTH =
      2 + KeySchedule.SESSION_ID_LENGTH + 4 + KeySchedule.NONCE_LENGTH;

  /** The body's length (70). */
  public static final int LENGTH = BINDER_INPUT_LENGTH + KeySchedule.MAC_LENGTH;

  private static final int SESSION_ID_OFFSET = 2;
  private static final int COUNTER_OFFSET = SESSION_ID_OFFSET + KeySchedule.SESSION_ID_LENGTH;
  private static final int NONCE_OFFSET = COUNTER_OFFSET + 4;
  private static final Set<Suite> ALL_SUITES = EnumSet.allOf(Suite.class);

  public Resume {
    if (sessionId.length != KeySchedule.SESSION_ID_LENGTH
        || nonce.length != KeySchedule.NONCE_LENGTH
        || binder.length != KeySchedule.MAC_LENGTH
        || counter < 0
        || counter > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "session_id, nonce_c or binder of the wrong length, or counter not a u32");
    }
  }

  /**
   * The RESUME a device sends: the binder computed from {@code rs} over the other fields (spec 8).
   */
  public static Resume bind(Suite suite, byte[] sessionId, long counter, byte[] nonce, byte[] rs) {
    Resume unbound = new Resume(suite, sessionId, counter, nonce, new byte[KeySchedule.MAC_LENGTH]);
    return new Resume(
        suite, sessionId, counter, nonce, KeySchedule.binder(rs, unbound.binderInput()));
  }

  /** Decodes a body, accepting every suite this implementation knows (tests). */
  public static Resume decode(byte[] body) throws SlmpException {
    return decode(body, 0, body.length, ALL_SUITES);
  }

  /**
   * Decodes a body with the checks of spec 8; a suite outside {@code enabled} is UNSUPPORTED_SUITE.
   */
  public static Resume decode(byte[] body, Set<Suite> enabled) throws SlmpException {
    return decode(body, 0, body.length, enabled);
  }

  /**
   * Decodes the body of a complete RESUME frame in place (the handshake keeps the frame for {@code
   * th_r}).
   */
  public static Resume decodeFrame(byte[] frame, Set<Suite> enabled) throws SlmpException {
    return decode(frame, Frame.HEADER, Frame.checkedBodyLength(frame, FrameType.RESUME), enabled);
  }

  private static Resume decode(byte[] b, int off, int len, Set<Suite> enabled)
      throws SlmpException {
    Objects.checkFromIndexSize(off, len, b.length);
    Suite suite = Hello.versionAndSuite(b, off, len, enabled, "RESUME");
    if (len != LENGTH) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, "RESUME body must be " + LENGTH + " bytes, was " + len);
    }
    return new Resume(
        suite,
        Arrays.copyOfRange(b, off + SESSION_ID_OFFSET, off + COUNTER_OFFSET),
        Bytes.u32(b, off + COUNTER_OFFSET),
        Arrays.copyOfRange(b, off + NONCE_OFFSET, off + BINDER_INPUT_LENGTH),
        Arrays.copyOfRange(b, off + BINDER_INPUT_LENGTH, off + LENGTH));
  }

  /**
   * {@code version || suite || session_id || counter || nonce_c}, the input of the binder's HMAC.
   */
  public byte[] binderInput() {
    return Arrays.copyOf(encode(), BINDER_INPUT_LENGTH);
  }

  /** The body. */
  public byte[] encode() {
    byte[] b = new byte[LENGTH];
    b[0] = Hello.VERSION;
    b[1] = (byte) suite.id();
    System.arraycopy(sessionId, 0, b, SESSION_ID_OFFSET, KeySchedule.SESSION_ID_LENGTH);
    Bytes.putU32(b, COUNTER_OFFSET, counter);
    System.arraycopy(nonce, 0, b, NONCE_OFFSET, KeySchedule.NONCE_LENGTH);
    System.arraycopy(binder, 0, b, BINDER_INPUT_LENGTH, KeySchedule.MAC_LENGTH);
    return b;
  }

  /** The complete frame ({@code RESUME_frame} of {@code th_r}). */
  public byte[] frame() {
    return Frame.encode(FrameType.RESUME, encode());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resume r
        && r.suite == suite
        && r.counter == counter
        && Arrays.equals(r.sessionId, sessionId)
        && Arrays.equals(r.nonce, nonce)
        && Arrays.equals(r.binder, binder);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        suite,
        counter,
        Arrays.hashCode(sessionId),
        Arrays.hashCode(nonce),
        Arrays.hashCode(binder));
  }

  /**
   * The session id travels in clear (spec 8) and names the session in logs; the binder stays out.
   */
  @Override
  public String toString() {
    return "Resume[" + suite + ", " + Bytes.hex(sessionId) + ", counter=" + counter + "]";
  }
}
