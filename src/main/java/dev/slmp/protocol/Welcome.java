package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;

/**
 * WELCOME (spec 5), the server's last handshake flight, in its sealed envelope {@code flags u8 (=0)
 * || seq u32 (=0) || seal(K_s2c, 0, 0x04 || flags || seq, plaintext)} ({@link SealedFrames}). This
 * type is the plaintext:
 *
 * <pre>
 * +--------------+---------------+--------------+
 * | lifetime u32 | keepalive u16 | max_body u24 |
 * +--------------+---------------+--------------+
 * </pre>
 *
 * {@code lifetime} 0: the server keeps no session; {@code keepalive} 0: no keep-alive and no idle
 * timeout. Any other plaintext length is PROTOCOL_ERROR (spec 2, 6: the plaintext's structure is
 * checked after open).
 */
public record Welcome(long lifetime, int keepalive, int maxBody) {
  /** The plaintext's length. */
  public static final int LENGTH = 4 + 2 + 3;

  private static final int KEEPALIVE_OFFSET = 4;
  private static final int MAX_BODY_OFFSET = 6;

  public Welcome {
    if (lifetime < 0
        || lifetime > 0xFFFFFFFFL
        || keepalive < 0
        || keepalive > 0xFFFF
        || maxBody < 0
        || maxBody > Frame.MAX_LENGTH) {
      throw new IllegalArgumentException("WELCOME field out of its u32/u16/u24 range");
    }
  }

  /** Decodes the opened plaintext. */
  public static Welcome decode(byte[] plaintext) throws SlmpException {
    if (plaintext.length != LENGTH) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, "WELCOME plaintext must be " + LENGTH + " bytes");
    }
    return new Welcome(
        Bytes.u32(plaintext, 0),
        Bytes.u16(plaintext, KEEPALIVE_OFFSET),
        Bytes.u24(plaintext, MAX_BODY_OFFSET));
  }

  /** The plaintext to seal. */
  public byte[] encode() {
    byte[] p = new byte[LENGTH];
    Bytes.putU32(p, 0, lifetime);
    Bytes.putU16(p, KEEPALIVE_OFFSET, keepalive);
    Bytes.putU24(p, MAX_BODY_OFFSET, maxBody);
    return p;
  }
}
