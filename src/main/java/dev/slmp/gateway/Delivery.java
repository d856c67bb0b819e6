package dev.slmp.gateway;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.AckStatus;
import dev.slmp.session.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * Hands accepted DATA to applications (the contract of {@link Addresses}): published on {@code slmp.in},
 * and for ACK_REQUESTED also asked of one {@code slmp.deliver} consumer, whose answer becomes the ACK status.
 * A device is never told ACCEPTED for a message no consumer took.
 */
final class Delivery {
  private final Vertx vertx;
  private final String nodeId;
  private final DeliveryOptions requestOptions;

  Delivery(Vertx vertx, String nodeId, long timeoutMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.requestOptions = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** The {@code slmp.in} / {@code slmp.deliver} JSON shape. */
  JsonObject json(InboundMessage m) {
    return new JsonObject()
        .put("device", m.deviceId())
        .put("topic", m.topic())
        .put("payload", Base64.getEncoder().encodeToString(m.payload()))
        .put("seq", m.seq())
        .put("session", m.sessionId() == null ? null : Bytes.hex(m.sessionId()))
        .put("node", nodeId)
        .put("receivedAt", System.currentTimeMillis())
        .put("early", m.early());
  }

  /** Publishes; for ACK_REQUESTED, completes with the ACK status to send (never fails). */
  Future<AckStatus> deliver(InboundMessage m) {
    JsonObject body = json(m);
    vertx.eventBus().publish(Addresses.IN, body);
    if (!m.ackRequested()) {
      return Future.succeededFuture(null);
    }
    return vertx.eventBus().request(Addresses.DELIVER, body, requestOptions)
        .map(reply -> AckStatus.ACCEPTED)
        .otherwise(Delivery::statusOf);
  }

  static AckStatus statusOf(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == Addresses.FAIL_REJECTED) {
      return AckStatus.REJECTED;
    }
    return AckStatus.NOT_DELIVERED;
  }
}
