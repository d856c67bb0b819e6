package dev.slmp.connection;

/**
 * A DATA frame a server accepted from a device: opened, in order, not a replay. {@code early} marks
 * 0-RTT data (spec 8), which a captured first flight can deliver late, once.
 */
public record InboundMessage(
    String deviceId,
    byte[] sessionId,
    String topic,
    byte[] payload,
    long seq,
    boolean early,
    boolean ackRequested) {
  @Override
  public String toString() {
    return "InboundMessage["
        + deviceId
        + ", topic="
        + topic
        + ", seq="
        + seq
        + (early ? ", early" : "")
        + ", "
        + payload.length
        + " bytes]";
  }
}
