package dev.slmp.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Zero-copy codec for objects that never leave this JVM: local delivery passes the same instance.
 * Sending one toward another node is a programming error, so the wire methods refuse (senders use
 * local-only delivery, so that fails fast instead of timing out).
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  private LocalCodec(String name) {
    this.name = name;
  }

  /**
   * The name of the hand-over codec for {@link io.vertx.core.json.JsonObject} ({@link
   * #registerHandover}).
   */
  public static final String JSON_HANDOVER = "slmp.local.json-handover";

  /**
   * Registers {@link #JSON_HANDOVER}, once per Vert.x instance: a JsonObject sent with it reaches
   * its one consumer as the same instance, without the deep copy Vert.x makes by default. For
   * bodies the sender built for this send and never touches again, on a node whose event bus is not
   * clustered.
   */
  public static synchronized void registerHandover(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new LocalCodec<io.vertx.core.json.JsonObject>(JSON_HANDOVER));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }

  /** Registers the codec as {@code type}'s default, once per Vert.x instance. */
  public static synchronized <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>("slmp.local." + type.getName()));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(name + " is local only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is local only");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
