package dev.slmp.gateway;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.DeliverySink;
import dev.slmp.bus.DeliverySinks;
import dev.slmp.bus.DeviceMessage;
import dev.slmp.bus.LocalCodec;
import dev.slmp.connection.InboundMessage;
import dev.slmp.protocol.AckStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * Hands accepted DATA to applications (the contract of {@link Addresses}): published on {@code
 * slmp.in}, and for ACK_REQUESTED also given to the node's {@link DeliverySink} when one is
 * registered (the built-in inbox: typed, no event bus), otherwise asked of one {@code slmp.deliver}
 * consumer. The answer becomes the ACK status. A device is never told ACCEPTED for a message no
 * consumer took. One per gateway verticle, used on its context.
 */
final class Delivery {
  private final Vertx vertx;
  private final ContextInternal context;
  private final String nodeId;
  private final DeliveryOptions requestOptions;
  private final boolean publishIn;
  private final long timeoutNanos;
  private final DeliverySinks.Slot sinks;

  /**
   * Messages a sink has not answered yet, oldest first (one timeout for all, so also soonest
   * deadline first): one sweep ends the overdue ones instead of a timer per message.
   */
  private final SinkAnswer pending = new SinkAnswer(null, null, 0);

  Delivery(Vertx vertx, String nodeId, long timeoutMs, boolean publishIn) {
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.nodeId = nodeId;
    this.publishIn = publishIn;
    this.timeoutNanos = timeoutMs * 1_000_000L;
    this.sinks = DeliverySinks.slot(vertx);
    pending.prev = pending;
    pending.next = pending;
    this.requestOptions = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!vertx.isClustered()) {
      // The body is built per message and dropped after the send: hand it over instead of
      // deep-copying it (a cluster keeps the standard codec, which any member can decode).
      LocalCodec.registerHandover(vertx);
      requestOptions.setCodecName(LocalCodec.JSON_HANDOVER);
    }
    // A tenth of the timeout late at most, and not more often than every 50 ms.
    vertx.setPeriodic(Math.max(50, Math.min(1000, timeoutMs / 10)), id -> sweep());
  }

  /** The message as {@code slmp.in} / {@code slmp.deliver} and the sinks see it. */
  DeviceMessage message(InboundMessage m, String sessionHex) {
    return new DeviceMessage(
        m.deviceId(),
        m.topic(),
        m.payload(),
        m.seq(),
        sessionHex,
        nodeId,
        System.currentTimeMillis(),
        m.early());
  }

  /**
   * Publishes (unless {@code delivery.publishIn} is off); for ACK_REQUESTED, gives the message to
   * the sink or asks one {@code slmp.deliver} consumer, and hands {@code ack} the ACK status to
   * send, on this gateway's context. {@code sessionHex} is the session id in hex (the caller keeps
   * it per connection), null for legacy messages.
   */
  void deliver(InboundMessage m, String sessionHex, Consumer<AckStatus> ack) {
    DeviceMessage typed = message(m, sessionHex);
    // Typed until a consumer reads it: no JSON or base64 for one that only answers.
    JsonObject body = publishIn ? typed.toLazyJson() : null;
    if (publishIn) {
      // publish() copies the body for each slmp.in consumer before it returns, so the request below
      // may hand over the original.
      vertx.eventBus().publish(Addresses.IN, body);
    }
    if (!m.ackRequested()) {
      return;
    }
    DeliverySink sink = sinks.sink();
    if (sink != null) {
      SinkAnswer answer = new SinkAnswer(this, ack, System.nanoTime() + timeoutNanos);
      answer.linkBefore(pending);
      try {
        sink.take(typed, answer);
      } catch (RuntimeException e) {
        answer.notDelivered("the delivery sink failed");
      }
      return;
    }
    vertx
        .eventBus()
        .request(Addresses.DELIVER, body != null ? body : typed.toLazyJson(), requestOptions)
        .onComplete(ar -> ack.accept(ar.succeeded() ? AckStatus.ACCEPTED : statusOf(ar.cause())));
  }

  static AckStatus statusOf(Throwable err) {
    if (err instanceof ReplyException re
        && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == Addresses.FAIL_REJECTED) {
      return AckStatus.REJECTED;
    }
    return AckStatus.NOT_DELIVERED;
  }

  /** Ends the overdue deliveries: NOT_DELIVERED, as a {@code slmp.deliver} timeout is. */
  private void sweep() {
    long now = System.nanoTime();
    for (SinkAnswer a = pending.next; a != pending && now - a.deadline >= 0; a = pending.next) {
      a.settle(AckStatus.NOT_DELIVERED);
    }
  }

  /**
   * One message's answer from a sink: the first one counts, on the gateway's context; it is linked
   * into {@link #pending} until then.
   */
  private static final class SinkAnswer implements DeliverySink.Answer {
    private final Delivery owner;
    private final Consumer<AckStatus> ack;
    final long deadline;
    SinkAnswer prev;
    SinkAnswer next;
    private boolean settled;

    SinkAnswer(Delivery owner, Consumer<AckStatus> ack, long deadline) {
      this.owner = owner;
      this.ack = ack;
      this.deadline = deadline;
    }

    void linkBefore(SinkAnswer head) {
      prev = head.prev;
      next = head;
      head.prev.next = this;
      head.prev = this;
    }

    @Override
    public void accepted() {
      answer(AckStatus.ACCEPTED);
    }

    @Override
    public void rejected(String why) {
      answer(AckStatus.REJECTED);
    }

    @Override
    public void notDelivered(String why) {
      answer(AckStatus.NOT_DELIVERED);
    }

    private void answer(AckStatus status) {
      // The gateway's event loop thread, whichever (duplicated) context it is running.
      if (owner.context.inThread()) {
        settle(status);
      } else {
        owner.context.runOnContext(v -> settle(status));
      }
    }

    /** On the gateway's context. */
    void settle(AckStatus status) {
      if (settled) {
        return;
      }
      settled = true;
      prev.next = next;
      next.prev = prev;
      prev = null;
      next = null;
      ack.accept(status);
    }
  }
}
