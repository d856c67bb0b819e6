package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.DeliverySink;
import dev.slmp.bus.DeliverySinks;
import dev.slmp.bus.DeviceMessage;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed fast path beside {@code slmp.deliver}: a {@link DeliverySink} registered in the node's
 * Vert.x takes every message a device wants acknowledged, its first answer is the ACK, no answer
 * within {@code delivery.timeoutMs} is NOT_DELIVERED (one sweep, no timer per message), and a late
 * or second answer changes nothing. One node (inbox off, 500 ms timeout) for the class; each test
 * registers its own sink and removes it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeliverySinkTest {
  @TempDir static Path dataDir;
  static TestNode node;
  static Vertx vertx;
  DeliverySink registered;

  @BeforeAll
  static void startNode(Vertx v) {
    vertx = v;
    node =
        await(
            TestNode.start(
                v,
                dataDir,
                new JsonObject()
                    .put("inbox", new JsonObject().put("enabled", false))
                    .put("delivery", new JsonObject().put("timeoutMs", 500))));
  }

  @AfterEach
  void removeSink() {
    if (registered != null) {
      DeliverySinks.unregister(vertx, registered);
    }
  }

  void use(DeliverySink sink) {
    assertTrue(DeliverySinks.register(vertx, sink), "no other sink is registered");
    registered = sink;
  }

  static Future<DeviceOnRaw> device(String id) {
    return DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice(id, Suite.P256_AES128GCM))
        .compose(d -> d.handshake().map(t -> d));
  }

  /**
   * Verifies that the sink gets the typed message (every field as the node accepted it), its
   * accepted() is ACCEPTED, and a slmp.deliver consumer registered at the same time gets nothing.
   */
  @Test
  void theSinkGetsTheTypedMessageAndItsAnswerIsTheAck() {
    // GIVEN a sink that accepts, and a slmp.deliver consumer beside it
    List<DeviceMessage> taken = new CopyOnWriteArrayList<>();
    use(
        (m, a) -> {
          taken.add(m);
          a.accepted();
        });
    List<JsonObject> onBus = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c =
        vertx.eventBus().consumer(Addresses.DELIVER, m -> onBus.add(m.body()));
    await(c.completion());
    try {
      // WHEN a device sends a message with ACK
      DeviceOnRaw d = await(device("sink-typed"));
      AckStatus status = await(d.sendWithAck("room/1", "21.5"));
      // THEN the ACK is ACCEPTED and the sink got the message typed
      assertEquals(AckStatus.ACCEPTED, status);
      assertEquals(1, taken.size());
      DeviceMessage m = taken.get(0);
      assertEquals("sink-typed", m.device());
      assertEquals("room/1", m.topic());
      assertEquals("21.5", new String(m.payload(), StandardCharsets.UTF_8));
      assertEquals(node.nodeId(), m.node());
      assertNotNull(m.session());
      assertEquals(32, m.session().length(), "the session id in hex");
      assertFalse(m.early());
      assertTrue(
          Math.abs(System.currentTimeMillis() - m.receivedAt()) < 60_000, "receivedAt is now");
      // AND the slmp.deliver consumer got nothing
      assertTrue(onBus.isEmpty(), onBus.toString());
      d.raw.socket.close();
    } finally {
      c.unregister();
    }
  }

  /** Verifies that rejected() is REJECTED and notDelivered() is NOT_DELIVERED. */
  @Test
  void rejectedAndNotDeliveredBecomeTheirAcks() {
    // GIVEN a sink that rejects "bad" and defers everything else
    use(
        (m, a) -> {
          if (new String(m.payload(), StandardCharsets.UTF_8).equals("bad")) {
            a.rejected("no thanks");
          } else {
            a.notDelivered("later");
          }
        });
    // WHEN a device sends one of each
    DeviceOnRaw d = await(device("sink-refusals"));
    // THEN the ACKs say REJECTED and NOT_DELIVERED
    assertEquals(AckStatus.REJECTED, await(d.sendWithAck("t", "bad")));
    assertEquals(AckStatus.NOT_DELIVERED, await(d.sendWithAck("t", "other")));
    d.raw.socket.close();
  }

  /**
   * Verifies that a sink that never answers gets NOT_DELIVERED after delivery.timeoutMs, and that
   * its late answer neither sends a second ACK nor changes the next message's.
   */
  @Test
  void noAnswerWithinTheTimeoutIsNotDeliveredAndALateAnswerIsIgnored() {
    // GIVEN a sink that keeps the first answer and answers the later messages at once
    AtomicReference<DeliverySink.Answer> kept = new AtomicReference<>();
    use(
        (m, a) -> {
          if (!kept.compareAndSet(null, a)) {
            a.rejected("second");
          }
        });
    DeviceOnRaw d = await(device("sink-silent"));
    // WHEN a device's message gets no answer
    long t0 = System.nanoTime();
    AckStatus first = await(d.sendWithAck("t", "one"));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    // THEN it is NOT_DELIVERED, not before the 500 ms timeout
    assertEquals(AckStatus.NOT_DELIVERED, first);
    assertTrue(tookMs >= 450, "answered after " + tookMs + " ms, before the timeout");
    // WHEN the sink answers it late, then the device sends another message
    kept.get().accepted();
    AckStatus second = await(d.sendWithAck("t", "two"));
    // THEN the second message has its own answer, and the device got exactly two ACKs
    assertEquals(AckStatus.REJECTED, second);
    assertEquals(2, d.acks.size(), "ACKs: " + d.acks.size());
    d.raw.socket.close();
  }

  /** Verifies that the first answer counts (a second is ignored), from any thread. */
  @Test
  void theFirstAnswerCountsFromAnyThread() {
    // GIVEN a sink that answers on a thread of its own, twice
    use(
        (m, a) ->
            new Thread(
                    () -> {
                      a.accepted();
                      a.rejected("too late");
                    })
                .start());
    DeviceOnRaw d = await(device("sink-thread"));
    // WHEN a device sends two messages
    // THEN both are ACCEPTED, and exactly two ACKs arrive
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "a")));
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "b")));
    Eventually.until(() -> d.acks.size() >= 2, Duration.ofSeconds(5), "two ACKs");
    assertEquals(2, d.acks.size());
    d.raw.socket.close();
  }

  /** Verifies that a sink that throws is NOT_DELIVERED and the connection goes on. */
  @Test
  void aSinkThatThrowsIsNotDelivered() {
    // GIVEN a sink that throws for "boom" and accepts the rest
    use(
        (m, a) -> {
          if (new String(m.payload(), StandardCharsets.UTF_8).equals("boom")) {
            throw new IllegalStateException("bug in the application");
          }
          a.accepted();
        });
    DeviceOnRaw d = await(device("sink-throws"));
    // WHEN the device sends "boom", then another message on the same connection
    // THEN the first is NOT_DELIVERED and the second ACCEPTED
    assertEquals(AckStatus.NOT_DELIVERED, await(d.sendWithAck("t", "boom")));
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "fine")));
    d.raw.socket.close();
  }

  /**
   * Verifies that a second sink is refused while one is registered, and that after unregister the
   * messages go to slmp.deliver again.
   */
  @Test
  void oneSinkAtATimeAndUnregisterHandsBackToTheBus() {
    // GIVEN a registered sink
    DeliverySink first = (m, a) -> a.rejected("first");
    use(first);
    // WHEN another registers
    // THEN it is refused, and the first still takes the messages
    assertFalse(DeliverySinks.register(vertx, (m, a) -> a.accepted()));
    DeviceOnRaw d = await(device("sink-handback"));
    assertEquals(AckStatus.REJECTED, await(d.sendWithAck("t", "x")));
    // WHEN the first unregisters and a slmp.deliver consumer replies
    DeliverySinks.unregister(vertx, first);
    registered = null;
    MessageConsumer<JsonObject> c =
        vertx.eventBus().consumer(Addresses.DELIVER, m -> m.reply(null));
    await(c.completion());
    try {
      // THEN the next message is ACCEPTED by the consumer
      assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "y")));
      assertNull(DeliverySinks.of(vertx));
    } finally {
      c.unregister();
      d.raw.socket.close();
    }
  }

  /**
   * Verifies that with the inbox on, the inbox takes every message (typed, as the same JSON line as
   * before) and a slmp.deliver consumer gets none; its own Vert.x, so the class's node is
   * untouched.
   */
  @Test
  void theInboxIsTheSinkAndTakesEveryMessage(@TempDir Path dir) throws Exception {
    // GIVEN a node with the inbox on, and a slmp.deliver consumer beside it
    Vertx own = Vertx.vertx();
    try {
      TestNode inboxNode = await(TestNode.start(own, dir, new JsonObject()));
      List<JsonObject> onBus = new CopyOnWriteArrayList<>();
      await(
          own.eventBus()
              .<JsonObject>consumer(Addresses.DELIVER, m -> onBus.add(m.body()))
              .completion());
      // WHEN a device sends three messages
      DeviceOnRaw d =
          await(
              DeviceOnRaw.connect(
                      own,
                      inboxNode.port(),
                      inboxNode.derivedDevice("inbox-all", Suite.X25519_CHACHA20POLY1305))
                  .compose(x -> x.handshake().map(t -> x)));
      for (int i = 0; i < 3; i++) {
        assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "m" + i)));
      }
      // THEN all three are in the inbox file, each a JSON line DeviceMessage reads back
      List<String> lines = Files.readAllLines(inboxNode.dataDir().resolve("inbox.jsonl"));
      assertEquals(3, lines.size(), lines.toString());
      for (int i = 0; i < 3; i++) {
        DeviceMessage m = DeviceMessage.fromJson(new JsonObject(lines.get(i)));
        assertEquals("inbox-all", m.device());
        assertEquals("m" + i, new String(m.payload(), StandardCharsets.UTF_8));
        assertEquals(m.session(), Bytes.hex(Bytes.unhex(m.session())), "the session id is hex");
      }
      // AND the slmp.deliver consumer got none
      assertTrue(onBus.isEmpty(), onBus.toString());
      d.raw.socket.close();
      await(inboxNode.stop());
    } finally {
      await(own.close());
    }
  }
}
