package dev.slmp.bus;

/**
 * An application in the node's own JVM that takes the messages devices want acknowledged, typed and
 * without the event bus: the fast path beside {@link Addresses#DELIVER} (docs/event-bus.md). While
 * one is registered ({@link DeliverySinks}), the node hands it every such message instead of
 * sending it to {@code slmp.deliver}; the answer decides the device's ACK exactly as a {@code
 * slmp.deliver} consumer's reply does. The built-in inbox is one.
 */
@FunctionalInterface
public interface DeliverySink {
  /**
   * Takes {@code message} (on the node's event loop: hand slow work to another thread) and answers
   * once through {@code answer}, from any thread. No answer within {@code delivery.timeoutMs} is
   * NOT_DELIVERED; an answer after that, or a second one, is ignored.
   */
  void take(DeviceMessage message, Answer answer);

  /** The one answer to a message; the first call counts. */
  interface Answer {
    /** Taken: the device gets ACK ACCEPTED. */
    void accepted();

    /** Refused for good: the device gets ACK REJECTED and does not resend. */
    void rejected(String why);

    /** Not taken now: the device gets ACK NOT_DELIVERED and resends later. */
    void notDelivered(String why);
  }
}
