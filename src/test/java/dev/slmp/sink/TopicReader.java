package dev.slmp.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning with Kafka's own consumer (no group, no commits). */
final class TopicReader {
  private TopicReader() {}

  /** One record: key, value bytes, headers as UTF-8 text (the last of each name). */
  record Rec(String key, byte[] value, Map<String, String> headers, int partition, long offset) {
    String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** Every record of {@code topic}, read until {@code enough} holds or {@code timeout} passed. */
  static List<Rec> read(
      String bootstrap, String topic, Predicate<List<Rec>> enough, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    List<Rec> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<TopicPartition> parts = new ArrayList<>();
      while (parts.isEmpty() && System.nanoTime() < deadline) {
        var infos = c.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos != null) {
          infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        }
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (!enough.test(out) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Map<String, String> h = new HashMap<>();
          for (Header x : r.headers()) {
            h.put(x.key(), new String(x.value(), StandardCharsets.UTF_8));
          }
          out.add(new Rec(r.key(), r.value(), h, r.partition(), r.offset()));
        }
      }
    }
    return out;
  }
}
