package dev.slmp.sink;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bench.LocalKafka;
import dev.slmp.bus.Addresses;
import dev.slmp.client.SlmpClient;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered nodes with {@code sink=kafka} against a real single-broker Kafka (its own JVM,
 * {@link LocalKafka}): device messages land in the topic keyed by device with their headers and in
 * order; with the broker stopped devices hear NOT_DELIVERED and readiness is DOWN, and after it is
 * back their resends land, no ACCEPTED message missing; commands from the command topic reach the
 * downlink queue and a sleepy device on its next wake-up, and receipts reach the receipt topic.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaSinkClusterTest {
  static final String TOPIC = "devices.in";
  static final String COMMANDS = "devices.commands";
  static final String RECEIPTS = "devices.receipts";

  @TempDir static Path root;
  static LocalKafka kafka;
  static TestCluster cluster;
  static final List<TestNode> nodes = new ArrayList<>();

  /** Payloads the devices were told ACCEPTED for: each must be in the topic. */
  static final Set<String> accepted = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws Exception {
    kafka =
        LocalKafka.start(
            Path.of("").toAbsolutePath(), root.resolve("kafka"), LocalKafka.freePort());
    cluster = new TestCluster(root);
    JsonObject cfg =
        new JsonObject()
            .put("sink", "kafka")
            .put(
                "kafka",
                new JsonObject()
                    .put("bootstrapServers", kafka.bootstrapServers())
                    .put("topic", TOPIC)
                    .put("timeoutMs", 2000)
                    .put("commandTopic", COMMANDS)
                    .put("receiptTopic", RECEIPTS)
                    .put("properties", new JsonObject().put("metadata.max.age.ms", 2000)));
    for (int i = 0; i < 2; i++) {
      nodes.add(await(cluster.start(i, 2, cluster.dataDirFor(i), cfg.copy())));
    }
    for (TestNode n : nodes) {
      Eventually.until(
          () -> ready(n) == 200, Duration.ofSeconds(60), "node ready with Kafka reachable");
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (cluster != null) {
        await(cluster.closeAll());
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  static List<JsonObject> queued(TestNode n) {
    return await(n.services().downlink().view("kx-sleepy")).getJsonArray("queued").stream()
        .map(JsonObject.class::cast)
        .toList();
  }

  static int ready(TestNode n) {
    return http(n, "/health/ready").statusCode();
  }

  static boolean kafkaCheckUp(TestNode n) {
    return new JsonObject(http(n, "/health/ready").body())
        .getJsonArray("checks").stream()
            .map(JsonObject.class::cast)
            .anyMatch(c -> "kafka".equals(c.getString("id")) && "UP".equals(c.getString("status")));
  }

  static HttpResponse<String> http(TestNode n, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.adminPort() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void messagesFromDevicesOnTwoNodesLandKeyedInOrderWithHeaders() {
    int perDevice = 25;
    List<String> devices = List.of("kx-a0", "kx-a1", "kx-b0", "kx-b1");
    List<Future<AckStatus>> acks = new ArrayList<>();
    List<SlmpClient> clients = new ArrayList<>();
    long before = System.currentTimeMillis();
    for (int d = 0; d < devices.size(); d++) {
      TestNode node = nodes.get(d / 2);
      SlmpClient c = await(node.client(devices.get(d), m -> {}));
      clients.add(c);
      for (int i = 0; i < perDevice; i++) {
        acks.add(c.sendWithAck("temp/" + devices.get(d), utf8(devices.get(d) + ":" + i)));
      }
    }
    for (int i = 0; i < acks.size(); i++) {
      assertEquals(AckStatus.ACCEPTED, await(acks.get(i)), "message " + i);
      accepted.add(devices.get(i / perDevice) + ":" + (i % perDevice));
    }
    List<TopicReader.Rec> recs =
        TopicReader.read(
            kafka.bootstrapServers(),
            TOPIC,
            l -> l.size() >= devices.size() * perDevice,
            Duration.ofSeconds(30));
    assertEquals(devices.size() * perDevice, recs.size(), "one record per message");
    for (int d = 0; d < devices.size(); d++) {
      String dev = devices.get(d);
      List<TopicReader.Rec> mine = recs.stream().filter(r -> dev.equals(r.key())).toList();
      assertEquals(perDevice, mine.size(), dev);
      assertEquals(1, mine.stream().map(TopicReader.Rec::partition).distinct().count(), dev);
      long lastSeq = 0;
      for (int i = 0; i < perDevice; i++) {
        TopicReader.Rec r = mine.get(i);
        assertEquals(dev + ":" + i, r.text(), "per-device order");
        assertEquals(dev, r.headers().get("device"));
        assertEquals("temp/" + dev, r.headers().get("topic"));
        assertEquals(nodes.get(d / 2).nodeId(), r.headers().get("node"));
        assertEquals("false", r.headers().get("early"));
        assertTrue(r.headers().get("session").matches("[0-9a-f]{32}"), r.headers().toString());
        long seq = Long.parseLong(r.headers().get("seq"));
        assertTrue(seq > lastSeq, "seq grows: " + seq + " after " + lastSeq);
        lastSeq = seq;
        long at = Long.parseLong(r.headers().get("receivedAt"));
        assertTrue(at >= before && at <= System.currentTimeMillis(), "receivedAt " + at);
      }
    }
    clients.forEach(SlmpClient::close);
  }

  @Test
  @Order(2)
  void brokerStoppedMeansNotDeliveredAndReadinessDownThenResendsLand() throws Exception {
    SlmpClient a = await(nodes.get(0).client("kx-stop-a", m -> {}));
    SlmpClient b = await(nodes.get(1).client("kx-stop-b", m -> {}));
    assertEquals(AckStatus.ACCEPTED, await(a.sendWithAck("t", utf8("kx-stop-a:before"))));
    accepted.add("kx-stop-a:before");

    kafka.kill(); // a crashed broker (a clean shutdown takes it 20 s here; the outcome is the same)
    try {
      for (TestNode n : nodes) {
        Eventually.until(() -> ready(n) == 503, Duration.ofSeconds(20), "readiness DOWN");
        assertTrue(http(n, "/health/ready").body().contains("Kafka"), "the reason names Kafka");
      }
      // Every message sent while the broker is away is told NOT_DELIVERED, none ACCEPTED.
      List<String> pending = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        for (SlmpClient c : List.of(a, b)) {
          String p = (c == a ? "kx-stop-a:" : "kx-stop-b:") + i;
          assertEquals(AckStatus.NOT_DELIVERED, await(c.sendWithAck("t", utf8(p))), p);
          pending.add(p);
        }
      }
      String metrics = http(nodes.get(0), "/metrics").body();
      assertTrue(
          metrics
              .lines()
              .anyMatch(l -> l.startsWith("slmp_sink_failed_total") && !l.endsWith(" 0.0")),
          "slmp_sink_failed_total counted");

      kafka.startAgain();
      for (TestNode n : nodes) {
        // the kafka check itself: the overall answer also counts Hazelcast's view, which a loaded
        // machine can make flap
        Eventually.until(
            () -> kafkaCheckUp(n), Duration.ofSeconds(60), "the kafka readiness check UP again");
      }
      // The devices resend what was not delivered, as SLMP devices do, until ACCEPTED.
      for (String p : pending) {
        SlmpClient c = p.startsWith("kx-stop-a") ? a : b;
        AckStatus s = AckStatus.NOT_DELIVERED;
        for (int tries = 0; tries < 20 && s != AckStatus.ACCEPTED; tries++) {
          s = await(c.sendWithAck("t", utf8(p)));
        }
        assertEquals(AckStatus.ACCEPTED, s, p);
        accepted.add(p);
      }
    } finally {
      if (!kafka.running()) {
        kafka.startAgain(); // leave a broker for the next tests
      }
    }
    Set<String> inTopic = new HashSet<>();
    TopicReader.read(
            kafka.bootstrapServers(),
            TOPIC,
            l -> {
              l.forEach(r -> inTopic.add(r.text()));
              return inTopic.containsAll(accepted);
            },
            Duration.ofSeconds(30))
        .forEach(r -> inTopic.add(r.text()));
    Set<String> missing = new HashSet<>(accepted);
    missing.removeAll(inTopic);
    assertEquals(Set.of(), missing, "no ACCEPTED message missing from the topic");
    String metrics = http(nodes.get(0), "/metrics").body();
    assertTrue(
        metrics.lines().anyMatch(l -> l.startsWith("slmp_sink_sent_total") && !l.endsWith(" 0.0")),
        "slmp_sink_sent_total counted");
    assertTrue(metrics.contains("slmp_sink_latency_seconds_count"), "latency recorded");
    a.close();
    b.close();
  }

  @Test
  @Order(3)
  void commandsFromTheCommandTopicAreEnqueuedAndReceiptsProduced() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      ProducerRecord<String, byte[]> good =
          new ProducerRecord<>(COMMANDS, "kx-sleepy", utf8("open valve"));
      good.headers().add("topic", utf8("valve/1")).add("ack", utf8("true")).add("ttl", utf8("600"));
      producer.send(good).get(30, TimeUnit.SECONDS);
      ProducerRecord<String, byte[]> noTopic =
          new ProducerRecord<>(COMMANDS, "kx-sleepy", utf8("lost"));
      producer.send(noTopic).get(30, TimeUnit.SECONDS);
      ProducerRecord<String, byte[]> second =
          new ProducerRecord<>(COMMANDS, "kx-sleepy", utf8("close valve"));
      second.headers().add("topic", utf8("valve/1"));
      producer.send(second).get(30, TimeUnit.SECONDS);
    }
    // The node's own downlink queue takes them (sealed in Hazelcast): wait until both are queued.
    Eventually.until(
        () -> queued(nodes.get(0)).size() >= 2, Duration.ofSeconds(60), "both commands queued");
    List<JsonObject> q = queued(nodes.get(0));
    assertEquals(2, q.size(), "the record without a topic header is not enqueued: " + q);
    JsonObject first = q.get(0);
    assertEquals("valve/1", first.getString("topic"));
    assertEquals("open valve", new String(Base64.getDecoder().decode(first.getString("payload"))));
    assertEquals(true, first.getBoolean("ack"));
    assertTrue(
        first.getLong("expiresAt") - first.getLong("enqueuedAt") <= 600_000L, first.encode());
    assertTrue(first.getString("id").startsWith("kafka-"), first.encode());
    JsonObject second = q.get(1);
    assertEquals(
        "close valve", new String(Base64.getDecoder().decode(second.getString("payload"))));
    assertNotEquals(first.getString("id"), second.getString("id"));

    // The sleepy device wakes on node 1, sends a reading with ACK and reads both commands first.
    TestNode n1 = nodes.get(1);
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                n1.vertx(), n1.port(), n1.derivedDevice("kx-sleepy", Suite.P256_AES128GCM)));
    await(d.handshake());
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "reading")));
    assertEquals(2, d.messages.size(), "both commands before the ACK of the reading");
    assertEquals("open valve", new String(d.messages.get(0).payload(), StandardCharsets.UTF_8));
    assertEquals("close valve", new String(d.messages.get(1).payload(), StandardCharsets.UTF_8));
    await(d.raw.socket.close());

    // The real receipts (ACCEPTED, published on node 1 where the device woke) are produced once.
    TopicReader.read(
        kafka.bootstrapServers(),
        RECEIPTS,
        l -> l.stream().filter(r -> r.text().contains("\"ACCEPTED\"")).count() >= 2,
        Duration.ofSeconds(30));
    // Then a sentinel from node 0, keyed alike: had node 0 also produced the receipt (a consumer
    // of every node's publishes), its copy would precede the sentinel in the partition.
    nodes
        .get(0)
        .vertx()
        .eventBus()
        .publish(
            Addresses.RECEIPT,
            new JsonObject()
                .put("id", "sentinel")
                .put("device", "kx-sleepy")
                .put("outcome", "EXPIRED")
                .put("at", 2L));
    List<TopicReader.Rec> receipts =
        TopicReader.read(
            kafka.bootstrapServers(),
            RECEIPTS,
            l -> l.stream().anyMatch(r -> r.text().contains("sentinel")),
            Duration.ofSeconds(30));
    // One ACCEPTED receipt per command: each produced once, keyed by device.
    for (JsonObject c : List.of(first, second)) {
      List<TopicReader.Rec> mine =
          receipts.stream()
              .filter(r -> c.getString("id").equals(new JsonObject(r.text()).getString("id")))
              .toList();
      assertEquals(1, mine.size(), receipts.toString());
      assertEquals("kx-sleepy", mine.get(0).key());
      assertEquals("ACCEPTED", new JsonObject(mine.get(0).text()).getString("outcome"));
    }
    TopicReader.Rec invalid =
        receipts.stream().filter(r -> r.text().contains("\"invalid\"")).findFirst().orElseThrow();
    assertTrue(
        new JsonObject(invalid.text()).getString("reason").contains("topic"), invalid.text());
  }

  @Test
  @Order(4)
  void aBodyThatIsNotADeviceMessageIsRejectedAndNotProduced() {
    var bus = nodes.get(0).vertx().eventBus();
    for (JsonObject bad :
        List.of(
            new JsonObject().put("topic", "t"),
            new JsonObject().put("device", 5),
            new JsonObject().put("device", "kx-bad").put("payload", "not base64!"))) {
      Throwable e =
          dev.slmp.testkit.Await.failure(
              bus.request(
                  Addresses.DELIVER,
                  bad,
                  new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true)));
      assertTrue(e instanceof io.vertx.core.eventbus.ReplyException, String.valueOf(e));
      assertEquals(
          Addresses.FAIL_REJECTED,
          ((io.vertx.core.eventbus.ReplyException) e).failureCode(),
          bad.encode() + ": " + e.getMessage());
    }
    // A good one after them still goes through, and none of the bad ones reached the topic.
    JsonObject good =
        new dev.slmp.bus.DeviceMessage(
                "kx-bad",
                "t",
                utf8("kx-bad:good"),
                1,
                null,
                "app",
                System.currentTimeMillis(),
                false)
            .toJson();
    await(bus.request(Addresses.DELIVER, good));
    List<TopicReader.Rec> recs =
        TopicReader.read(
            kafka.bootstrapServers(),
            TOPIC,
            l -> l.stream().anyMatch(r -> "kx-bad:good".equals(r.text())),
            Duration.ofSeconds(30));
    assertEquals(
        List.of("kx-bad:good"),
        recs.stream().filter(r -> "kx-bad".equals(r.key())).map(TopicReader.Rec::text).toList());
  }
}
