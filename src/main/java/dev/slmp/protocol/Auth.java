package dev.slmp.protocol;

import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Sealer;
import java.util.Arrays;
import java.util.Objects;

/**
 * AUTH (spec 5), the device's claim: its id and a proof over the transcript, sealed with {@code
 * K_auth}. The body is {@code seal(K_auth, 0, 0x03, plaintext)}, where the plaintext is:
 *
 * <pre>
 * +-----------+--------------------+------------+
 * | id_len u8 | device_id [id_len] | proof [32] |
 * +-----------+--------------------+------------+
 * </pre>
 *
 * Every failure here (a body that does not open, a plaintext whose length is not {@code 1 + id_len
 * + 32}) is the same {@code AUTH_FAILED} with the same message as a wrong proof: no hint which.
 * Whether the id is 1 to {@link #MAX_ID_LENGTH} bytes of UTF-8 is left to the authenticator, which
 * answers that in the same time as a wrong proof (a dummy-key HMAC). The arrays are owned by the
 * record: {@code decode} copies them out.
 */
public record Auth(byte[] deviceId, byte[] proof) {
  /** The longest device id (spec 4: 1 to 64 bytes of UTF-8). */
  public static final int MAX_ID_LENGTH = 64;

  /** The message of every AUTH failure, whatever its cause. */
  public static final String FAILED = "authentication failed";

  private static final int SEQ = 0;
  private static final int MAX_ID_FIELD = 0xFF;

  public Auth {
    if (deviceId.length > MAX_ID_FIELD || proof.length != KeySchedule.MAC_LENGTH) {
      throw new IllegalArgumentException(
          "device id over 255 bytes or proof not " + KeySchedule.MAC_LENGTH + " bytes");
    }
  }

  /** The uniform failure of spec 5. */
  public static SlmpException failed() {
    return new SlmpException(CloseCode.AUTH_FAILED, FAILED);
  }

  /** Decodes a plaintext: exactly {@code 1 + id_len + 32} bytes, else AUTH_FAILED. */
  public static Auth decode(byte[] plaintext) throws SlmpException {
    if (plaintext.length < 1) {
      throw failed();
    }
    int idLen = plaintext[0] & 0xFF;
    if (plaintext.length != 1 + idLen + KeySchedule.MAC_LENGTH) {
      throw failed();
    }
    return new Auth(
        Arrays.copyOfRange(plaintext, 1, 1 + idLen),
        Arrays.copyOfRange(plaintext, 1 + idLen, plaintext.length));
  }

  /**
   * Opens and decodes a complete AUTH frame with {@code K_auth}; a body that does not open is
   * AUTH_FAILED.
   */
  public static Auth open(Sealer authKey, byte[] frame) throws SlmpException {
    int len = Frame.checkedBodyLength(frame, FrameType.AUTH);
    try {
      return decode(authKey.open(SEQ, aad(), frame, Frame.HEADER, len));
    } catch (OpenFailedException e) {
      throw failed();
    }
  }

  /** The plaintext. */
  public byte[] encode() {
    byte[] p = new byte[1 + deviceId.length + KeySchedule.MAC_LENGTH];
    p[0] = (byte) deviceId.length;
    System.arraycopy(deviceId, 0, p, 1, deviceId.length);
    System.arraycopy(proof, 0, p, 1 + deviceId.length, KeySchedule.MAC_LENGTH);
    return p;
  }

  /** The complete frame, sealed with {@code K_auth} ({@code AUTH_frame} of the transcript). */
  public byte[] seal(Sealer authKey) {
    return Frame.encode(FrameType.AUTH, authKey.seal(SEQ, aad(), encode()));
  }

  /** AUTH's associated data is its type alone (spec 5); a fresh array, as a sealer may keep it. */
  private static byte[] aad() {
    return new byte[] {(byte) FrameType.AUTH};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Auth a
        && Arrays.equals(a.deviceId, deviceId)
        && Arrays.equals(a.proof, proof);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(deviceId), Arrays.hashCode(proof));
  }

  /** Neither the id nor the proof: AUTH travels sealed, so its contents stay out of logs too. */
  @Override
  public String toString() {
    return "Auth[id " + deviceId.length + " bytes]";
  }
}
