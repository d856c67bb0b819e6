package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * HELLO (spec 5), the device's first flight of a full handshake; not sealed.
 *
 * <pre>
 * +------------+----------+------------+------------------------------------+
 * | version u8 | suite u8 | key_id [4] | e_c [65 for P-256, 32 for X25519]  |
 * +------------+----------+------------+------------------------------------+
 * </pre>
 *
 * {@link #decode} makes the structural checks of spec 5 in the spec's order; which CLOSE code wins
 * depends on it (the negative vectors pin it): empty body, version, body shorter than 2, suite
 * enabled, exact length. The two checks that need the server (key_id known, e_c a valid point) are
 * the handshake's, after these. The arrays are owned by the record: {@code decode} copies them out
 * of the body, and nobody changes them after.
 */
public record Hello(Suite suite, byte[] keyId, byte[] ephemeral) {
  /** The only version of SLMP/1; also RESUME's first byte. */
  public static final int VERSION = 1;

  /** {@code version || suite || key_id}: the bytes before {@code e_c}. */
  public static final int FIXED_LENGTH = 2 + KeySchedule.KEY_ID_LENGTH;

  private static final int KEY_ID_OFFSET = 2;
  private static final Set<Suite> ALL_SUITES = EnumSet.allOf(Suite.class);

  public Hello {
    if (keyId.length != KeySchedule.KEY_ID_LENGTH
        || ephemeral.length != suite.group().publicKeyLength()) {
      throw new IllegalArgumentException("key_id or e_c of the wrong length for " + suite);
    }
  }

  /** Decodes a body, accepting every suite this implementation knows (a device's view; tests). */
  public static Hello decode(byte[] body) throws SlmpException {
    return decode(body, 0, body.length, ALL_SUITES);
  }

  /**
   * Decodes a body with the checks of spec 5; a suite outside {@code enabled} is UNSUPPORTED_SUITE.
   */
  public static Hello decode(byte[] body, Set<Suite> enabled) throws SlmpException {
    return decode(body, 0, body.length, enabled);
  }

  /**
   * Decodes the body of a complete HELLO frame in place (the handshake keeps the frame for its
   * transcript).
   */
  public static Hello decodeFrame(byte[] frame, Set<Suite> enabled) throws SlmpException {
    return decode(frame, Frame.HEADER, Frame.checkedBodyLength(frame, FrameType.HELLO), enabled);
  }

  private static Hello decode(byte[] b, int off, int len, Set<Suite> enabled) throws SlmpException {
    Objects.checkFromIndexSize(off, len, b.length);
    Suite suite = versionAndSuite(b, off, len, enabled, "HELLO");
    if (len != FIXED_LENGTH + suite.group().publicKeyLength()) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, "HELLO body length " + len + " wrong for " + suite);
    }
    int k = off + KEY_ID_OFFSET;
    return new Hello(
        suite,
        Arrays.copyOfRange(b, k, k + KeySchedule.KEY_ID_LENGTH),
        Arrays.copyOfRange(b, off + FIXED_LENGTH, off + len));
  }

  /**
   * The first checks of HELLO and RESUME (spec 5, 8: "in this order (as for HELLO)"), on {@code
   * b[off, off+len)}: empty → PROTOCOL_ERROR; version ≠ 1 → UNSUPPORTED_VERSION; shorter than 2 →
   * PROTOCOL_ERROR; suite unknown or not enabled → UNSUPPORTED_SUITE. The version is read before
   * the length is known to be 2, as the spec orders.
   */
  static Suite versionAndSuite(byte[] b, int off, int len, Set<Suite> enabled, String what)
      throws SlmpException {
    if (len == 0) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "empty " + what);
    }
    int version = b[off] & 0xFF;
    if (version != VERSION) {
      throw new SlmpException(CloseCode.UNSUPPORTED_VERSION, "unsupported version " + version);
    }
    if (len < 2) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, what + " too short");
    }
    int id = b[off + 1] & 0xFF;
    Suite suite = Suite.byId(id);
    if (suite == null || !enabled.contains(suite)) {
      throw new SlmpException(CloseCode.UNSUPPORTED_SUITE, "suite " + id + " not enabled");
    }
    return suite;
  }

  /**
   * The suite a complete HELLO frame names, or null when it names none; nothing else is checked.
   * For routing only (which thread does the work): {@link #decodeFrame} makes the checks.
   */
  public static Suite suiteOf(byte[] helloFrame) {
    return helloFrame.length < Frame.HEADER + 2
        ? null
        : Suite.byId(helloFrame[Frame.HEADER + 1] & 0xFF);
  }

  /** The body. */
  public byte[] encode() {
    byte[] b = new byte[FIXED_LENGTH + ephemeral.length];
    b[0] = VERSION;
    b[1] = (byte) suite.id();
    System.arraycopy(keyId, 0, b, KEY_ID_OFFSET, KeySchedule.KEY_ID_LENGTH);
    System.arraycopy(ephemeral, 0, b, FIXED_LENGTH, ephemeral.length);
    return b;
  }

  /** The complete frame ({@code HELLO_frame} of the transcript). */
  public byte[] frame() {
    return Frame.encode(FrameType.HELLO, encode());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hello h
        && h.suite == suite
        && Arrays.equals(h.keyId, keyId)
        && Arrays.equals(h.ephemeral, ephemeral);
  }

  @Override
  public int hashCode() {
    return Objects.hash(suite, Arrays.hashCode(keyId), Arrays.hashCode(ephemeral));
  }

  @Override
  public String toString() {
    return "Hello[" + suite + ", key_id " + Bytes.hex(keyId) + "]";
  }
}
