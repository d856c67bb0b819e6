package dev.slmp.testkit;

import dev.slmp.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what a node publishes on {@code slmp.in}, and tells when the first message of a device
 * arrived. One consumer on one context receives in publishing order, so once a later sentinel's
 * message is here, anything an earlier connection published is here too: the way a negative test
 * proves "nothing was delivered" without a fixed quiet window.
 */
public final class SlmpInRecorder {
  private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  private final Map<String, Promise<JsonObject>> first = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;

  private SlmpInRecorder() {}

  /** Completes once the consumer is registered. */
  public static Future<SlmpInRecorder> listen(Vertx vertx) {
    SlmpInRecorder r = new SlmpInRecorder();
    r.consumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.IN,
                m -> {
                  r.messages.add(m.body());
                  r.promise(m.body().getString("device")).tryComplete(m.body());
                });
    return r.consumer.completion().map(r);
  }

  private Promise<JsonObject> promise(String device) {
    return first.computeIfAbsent(String.valueOf(device), d -> Promise.promise());
  }

  /** Every message so far, in arrival order. */
  public List<JsonObject> all() {
    return List.copyOf(messages);
  }

  /** The messages of {@code device} so far, in arrival order. */
  public List<JsonObject> from(String device) {
    return messages.stream().filter(m -> device.equals(m.getString("device"))).toList();
  }

  /** Completes with the first message of {@code device}, when it arrives (at once if it has). */
  public Future<JsonObject> first(String device) {
    return promise(device).future();
  }

  public Future<Void> stop() {
    return consumer.unregister();
  }

  /** A message's payload, decoded from base64, as UTF-8 text. */
  public static String text(JsonObject m) {
    return new String(Base64.getDecoder().decode(m.getString("payload")), StandardCharsets.UTF_8);
  }
}
