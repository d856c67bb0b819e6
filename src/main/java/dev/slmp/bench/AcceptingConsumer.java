package dev.slmp.bench;

import dev.slmp.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory application that takes every message: it replies to each {@code slmp.deliver}
 * request at once, so the device gets ACK ACCEPTED without any storage. Deployable by class name
 * ({@code "deploy": ["dev.slmp.bench.AcceptingConsumer"]}); the benchmark's SLMP server deploys it
 * beside the node.
 */
public final class AcceptingConsumer extends VerticleBase {
  static final LongAdder ACCEPTED = new LongAdder();

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .consumer(
            Addresses.DELIVER,
            m -> {
              ACCEPTED.increment();
              m.reply(null);
            })
        .completion();
  }
}
