package dev.slmp.bench;

import io.vertx.core.json.JsonObject;

/** {@code bench server --kafka HOST:PORT}: the bench node with {@code sink=kafka} instead. */
final class KafkaBenchConfig {
  private KafkaBenchConfig() {}

  /** {@code config} unchanged when {@code bootstrapServers} is null, else with the Kafka sink. */
  static JsonObject sink(JsonObject config, String bootstrapServers) {
    if (bootstrapServers == null) {
      return config;
    }
    return config
        .put("sink", "kafka")
        .put(
            "kafka",
            new JsonObject().put("bootstrapServers", bootstrapServers).put("topic", "bench"));
  }
}
