package dev.slmp.commands;

import dev.slmp.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus face of the downlink queue: answers enqueues on {@code slmp.commands}, turns a
 * request to {@code slmp.out.<id>} with {@code "queue": true} into one (an outbound interceptor of
 * this node's event bus, so it works whether or not the device is connected anywhere), and sweeps
 * for expired commands every {@code queue.expirySweepSeconds}.
 */
public final class CommandsVerticle extends VerticleBase {
  private final Downlink downlink;
  private Handler<DeliveryContext<Object>> interceptor;

  public CommandsVerticle(Downlink downlink) {
    this.downlink = downlink;
  }

  @Override
  public Future<?> start() {
    interceptor = this::intercept;
    vertx.eventBus().addOutboundInterceptor(interceptor);
    long every = downlink.settings().expirySweepSeconds() * 1000L;
    vertx.setPeriodic(every, every, id -> downlink.expire());
    return vertx.eventBus().consumer(Addresses.COMMANDS, this::enqueue).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.eventBus().removeOutboundInterceptor(interceptor);
    return Future.succeededFuture();
  }

  private void enqueue(Message<Object> msg) {
    answer(msg, msg.body());
  }

  private void answer(Message<?> msg, Object request) {
    downlink
        .enqueue(request)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                msg.reply(ar.result());
              } else if (ar.cause() instanceof CommandRequest.Refused r) {
                msg.fail(r.code(), r.getMessage());
              } else {
                msg.fail(Downlink.FAIL_UNAVAILABLE, "the command could not be queued");
              }
            });
  }

  /**
   * A send to {@code slmp.out.<device>} whose body says {@code "queue": true} goes to the queue
   * instead of the device's connection, and is answered from here.
   */
  private void intercept(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    if (ctx.send()
        && m.address().startsWith(Addresses.OUT_PREFIX)
        && m.headers().get(Downlink.POLL_HEADER) == null
        && m.body() instanceof JsonObject body
        && Boolean.TRUE.equals(body.getValue("queue"))) {
      JsonObject request =
          body.copy().put("device", m.address().substring(Addresses.OUT_PREFIX.length()));
      request.remove("queue");
      if (m.replyAddress() == null) {
        downlink.enqueue(request);
      } else {
        answer(m, request);
      }
      return;
    }
    ctx.next();
  }
}
