package dev.slmp.protocol;

import dev.slmp.crypto.DhGroup;
import java.util.Arrays;
import java.util.Objects;

/**
 * HELLO_REPLY (spec 5), the server's answer to HELLO; not sealed.
 *
 * <pre>
 * +------------------------------------+--------------+
 * | e_s [65 for P-256, 32 for X25519]  | confirm [32] |
 * +------------------------------------+--------------+
 * </pre>
 *
 * The group (and so the length of {@code e_s}) is the one of the suite the device asked for; any
 * other body length is PROTOCOL_ERROR. Checking {@code e_s} and {@code confirm} is the device's
 * handshake work. The arrays are owned by the record: {@code decode} copies them out of the body,
 * and nobody changes them after.
 */
public record HelloReply(byte[] ephemeral, byte[] confirm) {
  public HelloReply {
    if (confirm.length != KeySchedule.MAC_LENGTH) {
      throw new IllegalArgumentException("confirm must be " + KeySchedule.MAC_LENGTH + " bytes");
    }
  }

  /** Decodes a body for {@code group}: exactly {@code e_s || confirm}, else PROTOCOL_ERROR. */
  public static HelloReply decode(byte[] body, DhGroup group) throws SlmpException {
    int keyLen = group.publicKeyLength();
    if (body.length != keyLen + KeySchedule.MAC_LENGTH) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "HELLO_REPLY body length " + body.length);
    }
    return new HelloReply(
        Arrays.copyOfRange(body, 0, keyLen), Arrays.copyOfRange(body, keyLen, body.length));
  }

  /** The body. */
  public byte[] encode() {
    byte[] b = Arrays.copyOf(ephemeral, ephemeral.length + KeySchedule.MAC_LENGTH);
    System.arraycopy(confirm, 0, b, ephemeral.length, KeySchedule.MAC_LENGTH);
    return b;
  }

  /** The complete frame ({@code HELLO_REPLY_frame} of the transcript). */
  public byte[] frame() {
    return Frame.encode(FrameType.HELLO_REPLY, encode());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HelloReply r
        && Arrays.equals(r.ephemeral, ephemeral)
        && Arrays.equals(r.confirm, confirm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(ephemeral), Arrays.hashCode(confirm));
  }

  @Override
  public String toString() {
    return "HelloReply[e_s " + ephemeral.length + " bytes]";
  }
}
