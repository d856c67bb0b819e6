package dev.slmp.bus;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link DeliverySink} of a Vert.x instance: at most one, in a {@link Slot} kept in the
 * instance's local shared data so that every gateway verticle of the node finds it. A gateway looks
 * the slot up once and then reads it per message (a shared-data lookup per message cost about 4 %
 * of a steady message).
 */
public final class DeliverySinks {
  private static final String MAP = "slmp.deliverySinks";
  private static final String KEY = "slot";

  private DeliverySinks() {}

  /** Where a Vert.x instance's sink is: one per instance, never replaced. */
  public static final class Slot implements Shareable {
    private final AtomicReference<DeliverySink> sink = new AtomicReference<>();

    /** The registered sink, or null. */
    public DeliverySink sink() {
      return sink.get();
    }
  }

  /** This instance's slot. */
  public static Slot slot(Vertx vertx) {
    var map = vertx.sharedData().<String, Slot>getLocalMap(MAP);
    Slot fresh = new Slot();
    Slot old = map.putIfAbsent(KEY, fresh);
    return old != null ? old : fresh;
  }

  /**
   * Makes {@code sink} the one that takes this instance's messages, unless another one does
   * already: one sink sees every message (two would each see some, as two event-bus consumers do).
   *
   * @return whether {@code sink} is now the registered one (false: another is; with the built-in
   *     inbox on, that is the inbox: turn it off with {@code inbox.enabled: false})
   */
  public static boolean register(Vertx vertx, DeliverySink sink) {
    AtomicReference<DeliverySink> ref = slot(vertx).sink;
    return ref.compareAndSet(null, sink) || ref.get() == sink;
  }

  /** Removes {@code sink} if it is the registered one: messages go to slmp.deliver again. */
  public static void unregister(Vertx vertx, DeliverySink sink) {
    slot(vertx).sink.compareAndSet(sink, null);
  }

  /** The registered sink, or null. */
  public static DeliverySink of(Vertx vertx) {
    return slot(vertx).sink();
  }
}
