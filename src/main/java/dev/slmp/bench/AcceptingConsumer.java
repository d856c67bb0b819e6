package dev.slmp.bench;

import dev.slmp.bus.DeliverySink;
import dev.slmp.bus.DeliverySinks;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory application that takes every message: the node's {@link DeliverySink} (typed, no
 * event bus), answering each at once, so the device gets ACK ACCEPTED without any storage.
 * Deployable by class name ({@code "deploy": ["dev.slmp.bench.AcceptingConsumer"]}) on a node whose
 * inbox is off; the benchmark's SLMP server deploys it beside the node.
 */
public final class AcceptingConsumer extends VerticleBase {
  static final LongAdder ACCEPTED = new LongAdder();

  private final DeliverySink sink =
      (message, answer) -> {
        ACCEPTED.increment();
        answer.accepted();
      };

  @Override
  public Future<?> start() {
    if (!DeliverySinks.register(vertx, sink)) {
      return Future.failedFuture(
          "another delivery sink is registered: deploy AcceptingConsumer with inbox.enabled false");
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    DeliverySinks.unregister(vertx, sink);
    return Future.succeededFuture();
  }
}
