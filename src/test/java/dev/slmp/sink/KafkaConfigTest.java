package dev.slmp.sink;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.config.Keys;
import dev.slmp.config.NodeConfig;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad sink configuration refuses the start, with a message naming the key and what is wrong. */
class KafkaConfigTest {
  @TempDir Path dir;

  private static String refused(JsonObject cfg) {
    return assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(cfg))
        .getMessage();
  }

  private static JsonObject kafka(JsonObject kafka) {
    return new JsonObject().put("sink", "kafka").put("kafka", kafka);
  }

  @Test
  void anUnknownSinkIsRefused() {
    assertEquals(
        "config key 'sink' must be one of inbox, kafka, was \"foo\"",
        refused(new JsonObject().put("sink", "foo")));
    assertTrue(refused(new JsonObject().put("sink", 3)).contains("'sink' must be a string"));
  }

  @Test
  void kafkaWithoutBootstrapServersIsRefused() {
    String m = refused(new JsonObject().put("sink", "kafka"));
    assertTrue(m.contains("'kafka.bootstrapServers' (SLMP_KAFKA_BOOTSTRAP_SERVERS) must name"), m);
    // a command topic needs a cluster too, even with the inbox as the sink
    m = refused(new JsonObject().put("kafka", new JsonObject().put("commandTopic", "c")));
    assertTrue(m.contains("'kafka.bootstrapServers'"), m);
  }

  @Test
  void propertiesMayNotUndoTheSinksPromise() {
    JsonObject base = new JsonObject().put("bootstrapServers", "127.0.0.1:9092");
    assertTrue(
        refused(kafka(base.copy().put("properties", new JsonObject().put("acks", "1"))))
            .contains("must not set 'acks' to anything but all"));
    assertTrue(
        refused(
                kafka(
                    base.copy()
                        .put("properties", new JsonObject().put("enable.idempotence", false))))
            .contains("must not turn 'enable.idempotence' off"));
    for (String own :
        new String[] {"bootstrap.servers", "value.serializer", "enable.auto.commit"}) {
      assertTrue(
          refused(kafka(base.copy().put("properties", new JsonObject().put(own, "x"))))
              .contains("must not set '" + own + "'"),
          own);
    }
    assertTrue(
        refused(
                kafka(
                    base.copy()
                        .put(
                            "properties",
                            new JsonObject().put("ssl", new JsonObject().put("x", 1)))))
            .contains("'ssl' must be text, a number or a boolean, was an object"));
    assertTrue(
        refused(kafka(base.copy().put("properties", new JsonArray().add(1))))
            .contains("'kafka.properties' must be an object"));
    assertTrue(
        refused(kafka(base.copy().put("timeoutMs", 10_000)))
            .contains("'kafka.timeoutMs' (10000) must be below 'delivery.timeoutMs' (10000)"));
    assertTrue(
        refused(kafka(base.copy().put("commandTopic", "slmp.messages")))
            .contains("'kafka.commandTopic' must differ from 'kafka.topic'"));
    assertTrue(refused(kafka(base.copy().put("timeoutMs", 10))).contains("kafka.timeoutMs"));
  }

  @Test
  void propertiesPassThroughAndTheirValuesStayHidden() {
    NodeConfig c =
        NodeConfig.validate(
            kafka(
                new JsonObject()
                    .put("bootstrapServers", "127.0.0.1:9092")
                    .put(
                        "properties",
                        new JsonObject()
                            .put("sasl.jaas.config", "password=\"hunter2\"")
                            .put("linger.ms", 20)
                            .put("acks", "all"))));
    assertEquals(
        Map.of("sasl.jaas.config", "password=\"hunter2\"", "linger.ms", "20", "acks", "all"),
        c.get(Keys.KAFKA_PROPERTIES));
    assertFalse(c.toString().contains("hunter2"), c.toString());
    KafkaSettings s =
        new KafkaSettings(
            "127.0.0.1:9092", "t", c.get(Keys.KAFKA_PROPERTIES), 5000, "", "", "node-1");
    Map<String, String> p = s.producer("sink");
    assertEquals("20", p.get("linger.ms"));
    assertEquals("all", p.get("acks"));
    assertEquals("true", p.get("enable.idempotence"));
    assertEquals("5000", p.get("delivery.timeout.ms"));
    assertEquals("4980", p.get("request.timeout.ms"));
    assertEquals("password=\"hunter2\"", p.get("sasl.jaas.config"));
    assertFalse(s.toString().contains("hunter2"));
    assertEquals(
        KafkaSettings.DEFAULT_LINGER_MS,
        new KafkaSettings("h:1", "t", Map.of(), 5000, "", "", "n").producer("x").get("linger.ms"));
  }

  @Test
  void aNodeWithABadSinkDoesNotStart() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Throwable e = Await.failure(TestNode.start(vertx, dir, new JsonObject().put("sink", "foo")));
      assertTrue(
          e.getMessage().contains("config key 'sink' must be one of inbox, kafka"), e.getMessage());
      e = Await.failure(TestNode.start(vertx, dir, new JsonObject().put("sink", "kafka")));
      assertTrue(e.getMessage().contains("kafka.bootstrapServers"), e.getMessage());
      assertFalse(Files.exists(dir.resolve("inbox.jsonl")), "nothing was started");
    } finally {
      await(vertx.close());
    }
  }
}
