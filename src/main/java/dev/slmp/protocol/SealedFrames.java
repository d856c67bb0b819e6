package dev.slmp.protocol;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Sealer;

/**
 * Bodies of the sealed frames WELCOME, DATA and ACK: {@code flags u8 || seq u32 || seal(K, seq, type ||
 * flags || seq, plaintext)}. The aad is the first five body bytes preceded by the type.
 */
public final class SealedFrames {
  public static final int PREFIX = 5;
  public static final int FLAG_ACK_REQUESTED = 0x01;
  public static final int FLAG_EARLY = 0x02;

  private SealedFrames() {}

  public static byte[] aad(int type, int flags, long seq) {
    byte[] aad = new byte[6];
    aad[0] = (byte) type;
    aad[1] = (byte) flags;
    Bytes.putU32(aad, 2, seq);
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
    frame[1] = (byte) (len >>> 16);
    frame[2] = (byte) (len >>> 8);
    frame[3] = (byte) len;
    frame[4] = (byte) flags;
    Bytes.putU32(frame, 5, seq);
    System.arraycopy(sealed, 0, frame, Frame.HEADER + PREFIX, sealed.length);
    return frame;
  }

  public static int flags(byte[] body) {
    return body[0] & 0xFF;
  }

  public static long seq(byte[] body) {
    return Bytes.u32(body, 1);
  }

  /** {@code topic_len u8 || topic || payload}. */
  public static byte[] dataPlaintext(byte[] topic, byte[] payload) {
    if (topic.length > 255) {
      throw new IllegalArgumentException("topic longer than 255 bytes");
    }
    byte[] p = new byte[1 + topic.length + payload.length];
    p[0] = (byte) topic.length;
    System.arraycopy(topic, 0, p, 1, topic.length);
    System.arraycopy(payload, 0, p, 1 + topic.length, payload.length);
    return p;
  }

  /** A checked DATA plaintext. */
  public record DataPlaintext(String topic, byte[] payload) {}

  /** A checked ACK plaintext. */
  public record AckPlaintext(long ackedSeq, AckStatus status) {}

  /** Parses {@code topic_len u8 || topic || payload}: a topic past the end or not UTF-8 is PROTOCOL_ERROR (spec 6). */
  public static DataPlaintext parseData(byte[] p) throws SlmpException {
    if (p.length < 1 || 1 + (p[0] & 0xFF) > p.length) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "DATA topic length beyond its plaintext");
    }
    int topicLen = p[0] & 0xFF;
    String topic = Frames.utf8OrNull(p, 1, topicLen);
    if (topic == null) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "DATA topic is not UTF-8");
    }
    return new DataPlaintext(topic, Bytes.slice(p, 1 + topicLen, p.length));
  }

  /** Parses {@code acked_seq u32 || status u8}: another length or an unknown status is PROTOCOL_ERROR (spec 6). */
  public static AckPlaintext parseAck(byte[] p) throws SlmpException {
    if (p.length != 5) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "ACK plaintext must be 5 bytes");
    }
    AckStatus status = AckStatus.of(p[4] & 0xFF);
    if (status == null) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "ACK status " + (p[4] & 0xFF) + " unknown");
    }
    return new AckPlaintext(Bytes.u32(p, 0), status);
  }

  /** {@code acked_seq u32 || status u8}. */
  public static byte[] ackPlaintext(long ackedSeq, AckStatus status) {
    byte[] p = new byte[5];
    Bytes.putU32(p, 0, ackedSeq);
    p[4] = (byte) status.code();
    return p;
  }
}
