package dev.slmp.protocol;

import dev.slmp.crypto.Suite;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * DATA (spec 6), in its sealed envelope {@code flags u8 || seq u32 || seal(K_dir, seq, 0x10 ||
 * flags || seq, plaintext)} ({@link SealedFrames}). This type is the plaintext:
 *
 * <pre>
 * +--------------+---------------------+-------------------+
 * | topic_len u8 | topic [topic_len]   | payload [rest]    |
 * +--------------+---------------------+-------------------+
 * </pre>
 *
 * A {@code topic_len} past the end of the plaintext, or a topic that is not UTF-8, is
 * PROTOCOL_ERROR. This is the per-message path: {@link #encode(byte[], byte[])} builds the
 * plaintext without a record, and {@link #decode} makes one copy (the payload), as the code before
 * it did. The payload is owned by the record.
 */
public record Data(String topic, byte[] payload) {
  /** The longest topic, in UTF-8 bytes (its length is a u8). */
  public static final int MAX_TOPIC_LENGTH = 0xFF;

  public Data {
    Objects.requireNonNull(topic);
    Objects.requireNonNull(payload);
  }

  /**
   * The plaintext {@code topic_len || topic || payload}; a topic over 255 bytes is
   * IllegalArgumentException.
   */
  public static byte[] encode(byte[] topic, byte[] payload) {
    if (topic.length > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException("topic longer than 255 bytes");
    }
    byte[] p = new byte[1 + topic.length + payload.length];
    p[0] = (byte) topic.length;
    System.arraycopy(topic, 0, p, 1, topic.length);
    System.arraycopy(payload, 0, p, 1 + topic.length, payload.length);
    return p;
  }

  /** The plaintext. */
  public byte[] encode() {
    return encode(topic.getBytes(StandardCharsets.UTF_8), payload);
  }

  /** Decodes an opened plaintext. */
  public static Data decode(byte[] plaintext) throws SlmpException {
    if (plaintext.length < 1 || 1 + (plaintext[0] & 0xFF) > plaintext.length) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "DATA topic length beyond its plaintext");
    }
    int topicLen = plaintext[0] & 0xFF;
    String topic = Frames.utf8OrNull(plaintext, 1, topicLen);
    if (topic == null) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "DATA topic is not UTF-8");
    }
    return new Data(topic, Arrays.copyOfRange(plaintext, 1 + topicLen, plaintext.length));
  }

  /**
   * The length of the DATA body (envelope included) that carries this topic and payload under
   * {@code suite}.
   */
  public static int bodyLength(Suite suite, int topicLength, int payloadLength) {
    return SealedFrames.PREFIX
        + suite.sealedLength(SealedFrames.AAD_LENGTH, 1 + topicLength + payloadLength);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Data d && d.topic.equals(topic) && Arrays.equals(d.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * topic.hashCode() + Arrays.hashCode(payload);
  }

  /** The topic and the payload's size: payloads are the application's, not the log's. */
  @Override
  public String toString() {
    return "Data[" + topic + ", " + payload.length + " bytes]";
  }
}
