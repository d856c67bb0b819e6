package dev.slmp.sink;

import java.util.HashMap;
import java.util.Map;

/**
 * What the Kafka verticles need of the configuration (built by {@code node.VerticleSettings}).
 *
 * @param bootstrapServers {@code host:port,…} of the Kafka cluster ({@code kafka.bootstrapServers})
 * @param topic where device messages go ({@code kafka.topic})
 * @param properties passed to every client as they are ({@code kafka.properties}; checked by {@code
 *     config.Keys} not to undo acks=all or idempotence)
 * @param timeoutMs how long a message waits for the broker's acknowledgement ({@code
 *     kafka.timeoutMs})
 * @param commandTopic records to enqueue as device commands, empty for none
 * @param receiptTopic where command receipts go, empty for none
 * @param nodeId this node's id: the client ids name it
 */
public record KafkaSettings(
    String bootstrapServers,
    String topic,
    Map<String, String> properties,
    int timeoutMs,
    String commandTopic,
    String receiptTopic,
    String nodeId) {

  /** The producer's {@code linger.ms} unless {@code kafka.properties} says otherwise. */
  static final String DEFAULT_LINGER_MS = "5";

  /** The client properties common to producer, consumer and admin client. */
  Map<String, String> common(String role) {
    Map<String, String> c = new HashMap<>(properties);
    c.put("bootstrap.servers", bootstrapServers);
    c.putIfAbsent("client.id", "slmp-" + role + "-" + nodeId);
    return c;
  }

  /**
   * The producer: acks from every in-sync replica, idempotent (its own retries add no duplicate and
   * keep each partition's order), batched for a few milliseconds, and giving up on a record within
   * {@code kafka.timeoutMs} so that its failure and the device's NOT_DELIVERED are one event.
   */
  Map<String, String> producer(String role) {
    Map<String, String> c = common(role);
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("value.serializer", "io.vertx.kafka.client.serialization.BufferSerializer");
    c.putIfAbsent("linger.ms", DEFAULT_LINGER_MS);
    int linger = Integer.parseInt(c.get("linger.ms"));
    c.putIfAbsent("delivery.timeout.ms", String.valueOf(timeoutMs));
    c.putIfAbsent(
        "request.timeout.ms",
        String.valueOf(Math.max(1, Integer.parseInt(c.get("delivery.timeout.ms")) - linger)));
    // send() waits for the topic's metadata at most this long (on the client's worker thread)
    c.putIfAbsent("max.block.ms", String.valueOf(timeoutMs));
    return c;
  }

  /** The command consumer: one group for the whole cluster, offsets committed after enqueueing. */
  Map<String, String> consumer() {
    Map<String, String> c = common("commands");
    c.putIfAbsent("group.id", "slmp-commands");
    c.put("enable.auto.commit", "false");
    c.putIfAbsent("auto.offset.reset", "earliest");
    c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
    return c;
  }

  @Override
  public String toString() {
    // properties may hold passwords (sasl.jaas.config): never shown
    return "KafkaSettings[" + bootstrapServers + ", topic=" + topic + "]";
  }
}
