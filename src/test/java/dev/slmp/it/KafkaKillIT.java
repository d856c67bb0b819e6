package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bench.LocalKafka;
import dev.slmp.client.SlmpClient;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.testkit.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a node (the fat jar, {@code sink=kafka}) under QoS1 load from several devices:
 * every message a device was told ACCEPTED for is in the topic afterwards (a real broker in its own
 * JVM; duplicates allowed, losses not).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaKillIT {
  @TempDir Path dir;

  @Test
  void noAcceptedMessageIsLostWhenTheNodeIsKilled() throws Exception {
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    try (LocalKafka kafka =
        LocalKafka.start(
            Path.of("").toAbsolutePath(), dir.resolve("kafka"), LocalKafka.freePort())) {
      Path data = dir.resolve("data");
      DataDirectory d = DataDirectory.openOrCreate(data);
      int port = LocalKafka.freePort();
      JsonObject conf =
          new JsonObject()
              .put("host", "127.0.0.1")
              .put("port", port)
              .put("dataDir", data.toString())
              .put("sink", "kafka")
              .put(
                  "kafka",
                  new JsonObject()
                      .put("bootstrapServers", kafka.bootstrapServers())
                      .put("topic", "kill")
                      .put("timeoutMs", 3000))
              .put(
                  "limits",
                  new JsonObject()
                      .put("handshakesPerSource", 1000)
                      .put("helloRatePerSource", 100000)
                      .put("helloBurstPerSource", 100000));
      JarProcess node = JarProcess.startNode(dir, Map.of(), port, "-conf", conf.encode());
      Vertx vertx = Vertx.vertx();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Future<Void>> loops = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          String id = "kill-" + i;
          byte[] key = KeySchedule.deviceKey(d.masterSecret(), id.getBytes(StandardCharsets.UTF_8));
          DeviceIdentity device =
              new DeviceIdentity(id, key, Suite.P256_AES128GCM, d.p256().publicKey());
          SlmpClient c =
              SlmpClient.connect(vertx, SlmpClient.Options.of("127.0.0.1", port, device), null)
                  .compose(x -> x.established().map(x))
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS);
          Promise<Void> done = Promise.promise();
          send(c, id, 0, running, accepted, done);
          loops.add(done.future());
        }
        Eventually.until(
            () -> accepted.size() >= 400, Duration.ofSeconds(120), "400 messages ACCEPTED");
        node.process.destroyForcibly(); // kill -9: no shutdown hook, nothing flushed on the way out
        node.process.waitFor(30, TimeUnit.SECONDS);
        running.set(false);
        Future.join(loops).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        node.process.destroyForcibly();
      }
      Set<String> inTopic = read(kafka.bootstrapServers(), "kill", accepted);
      Set<String> missing = new HashSet<>(accepted);
      missing.removeAll(inTopic);
      assertTrue(accepted.size() >= 400, "the load ran: " + accepted.size());
      assertEquals(Set.of(), missing, "ACCEPTED but not in the topic");
    }
  }

  /** One device's closed loop: the next message once the last one's ACK came, until stopped. */
  private static void send(
      SlmpClient c,
      String id,
      int n,
      AtomicBoolean running,
      Set<String> accepted,
      Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    String payload = id + ":" + n;
    c.sendWithAck("load", payload.getBytes(StandardCharsets.UTF_8))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() == AckStatus.ACCEPTED) {
                accepted.add(payload);
              }
              if (ar.failed()) {
                done.complete(); // the connection is gone (the node was killed)
              } else {
                send(c, id, n + 1, running, accepted, done);
              }
            });
  }

  private static Set<String> read(String bootstrap, String topic, Set<String> wanted) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Set<String> seen = new HashSet<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          seen.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return seen;
  }
}
