package dev.slmp.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * RESUMED (spec 8), the server's answer to an accepted RESUME; not sealed.
 *
 * <pre>
 * +--------------+--------------+
 * | nonce_s [16] | confirm [32] |
 * +--------------+--------------+
 * </pre>
 *
 * Any other body length is PROTOCOL_ERROR; checking {@code confirm} is the device's handshake work.
 * The arrays are owned by the record: {@code decode} copies them out of the body, and nobody
 * changes them after.
 */
public record Resumed(byte[] nonce, byte[] confirm) {
  /** The body's length. */
  public static final int LENGTH = KeySchedule.NONCE_LENGTH + KeySchedule.MAC_LENGTH;

  public Resumed {
    if (nonce.length != KeySchedule.NONCE_LENGTH || confirm.length != KeySchedule.MAC_LENGTH) {
      throw new IllegalArgumentException("nonce_s or confirm of the wrong length");
    }
  }

  /** Decodes a body: exactly {@link #LENGTH} bytes, else PROTOCOL_ERROR. */
  public static Resumed decode(byte[] body) throws SlmpException {
    if (body.length != LENGTH) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, "RESUMED body must be " + LENGTH + " bytes");
    }
    return new Resumed(
        Arrays.copyOfRange(body, 0, KeySchedule.NONCE_LENGTH),
        Arrays.copyOfRange(body, KeySchedule.NONCE_LENGTH, LENGTH));
  }

  /** The body. */
  public byte[] encode() {
    byte[] b = Arrays.copyOf(nonce, LENGTH);
    System.arraycopy(confirm, 0, b, KeySchedule.NONCE_LENGTH, KeySchedule.MAC_LENGTH);
    return b;
  }

  /** The complete frame. */
  public byte[] frame() {
    return Frame.encode(FrameType.RESUMED, encode());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resumed r
        && Arrays.equals(r.nonce, nonce)
        && Arrays.equals(r.confirm, confirm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(nonce), Arrays.hashCode(confirm));
  }

  @Override
  public String toString() {
    return "Resumed[]";
  }
}
