package dev.slmp.gateway;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.DeviceMessage;
import dev.slmp.bus.LocalCodec;
import dev.slmp.connection.InboundMessage;
import dev.slmp.protocol.AckStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * Hands accepted DATA to applications (the contract of {@link Addresses}): published on {@code
 * slmp.in}, and for ACK_REQUESTED also asked of one {@code slmp.deliver} consumer, whose answer
 * becomes the ACK status. A device is never told ACCEPTED for a message no consumer took.
 */
final class Delivery {
  private final Vertx vertx;
  private final String nodeId;
  private final DeliveryOptions requestOptions;
  private final boolean publishIn;

  Delivery(Vertx vertx, String nodeId, long timeoutMs, boolean publishIn) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.publishIn = publishIn;
    this.requestOptions = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!vertx.isClustered()) {
      // The body is built per message and dropped after the send: hand it over instead of
      // deep-copying it
      // (a cluster keeps the standard codec, which any member can decode).
      LocalCodec.registerHandover(vertx);
      requestOptions.setCodecName(LocalCodec.JSON_HANDOVER);
    }
  }

  /**
   * The {@code slmp.in} / {@code slmp.deliver} body; {@code sessionHex} is the message's session id
   * in hex.
   */
  JsonObject json(InboundMessage m, String sessionHex) {
    return new DeviceMessage(
            m.deviceId(),
            m.topic(),
            m.payload(),
            m.seq(),
            sessionHex,
            nodeId,
            System.currentTimeMillis(),
            m.early())
        .toJson();
  }

  /**
   * Publishes (unless {@code delivery.publishIn} is off); for ACK_REQUESTED, asks one {@code
   * slmp.deliver} consumer and hands {@code ack} the ACK status to send, on the caller's context.
   * {@code sessionHex} is the session id in hex (the caller keeps it per connection), null for
   * legacy messages.
   */
  void deliver(InboundMessage m, String sessionHex, Consumer<AckStatus> ack) {
    JsonObject body = json(m, sessionHex);
    if (publishIn) {
      // publish() copies the body for each slmp.in consumer before it returns, so the request below
      // may hand over
      // the original.
      vertx.eventBus().publish(Addresses.IN, body);
    }
    if (m.ackRequested()) {
      vertx
          .eventBus()
          .request(Addresses.DELIVER, body, requestOptions)
          .onComplete(ar -> ack.accept(ar.succeeded() ? AckStatus.ACCEPTED : statusOf(ar.cause())));
    }
  }

  static AckStatus statusOf(Throwable err) {
    if (err instanceof ReplyException re
        && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == Addresses.FAIL_REJECTED) {
      return AckStatus.REJECTED;
    }
    return AckStatus.NOT_DELIVERED;
  }
}
