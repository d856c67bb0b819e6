package dev.slmp.downlink;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.SealedFrames;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A command queued for a device: sent as a DATA frame (ACK_REQUESTED when {@code ack}) the next
 * time the device is connected.
 *
 * @param id unique per device: given by the caller or made by the node
 * @param enqueuedAt epoch milliseconds
 * @param expiresAt epoch milliseconds; the command is dropped (EXPIRED) from then on
 */
public record Command(
    String id,
    String device,
    String topic,
    byte[] payload,
    boolean ack,
    long enqueuedAt,
    long expiresAt) {

  /** What a caller-given id may look like: it travels in URLs and JSON. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  public static final int MAX_TOPIC_BYTES = 255;

  /** A command id from outside: 1..64 of letters, digits and {@code . _ : -}. */
  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * The largest DATA body this command can become under any suite (the device's suite is not known
   * when it is queued): what must fit in the device's {@code deviceMaxBody}.
   */
  public static int largestBody(String topic, int payloadLength) {
    int plain = 1 + topic.getBytes(StandardCharsets.UTF_8).length + payloadLength;
    int largest = 0;
    for (Suite s : Suite.values()) {
      largest = Math.max(largest, SealedFrames.PREFIX + s.sealedLength(6, plain));
    }
    return largest;
  }

  public byte[] topicBytes() {
    return topic.getBytes(StandardCharsets.UTF_8);
  }

  public boolean expired(long now) {
    return expiresAt <= now;
  }
}
