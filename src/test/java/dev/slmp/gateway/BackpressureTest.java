package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.testkit.ChannelDevice;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A device that floods and never reads cannot make the node queue without bound: the node stops
 * reading it while its deliveries awaiting an answer reach {@code limits.maxInflightPerConnection},
 * or while its answers cannot be written; nothing it sent is lost, and other devices are served
 * meanwhile. Real sockets, a real node.
 */
class BackpressureTest {
  private static final int MAX_INFLIGHT = 8;

  /** Far more than kernel socket buffers hold: a node that kept reading would take it all. */
  private static final long FLOOD_LIMIT = 256L << 20;

  private Vertx vertx;
  private TestNode node;
  private final List<SocketChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    node =
        TestNode.start(
                vertx,
                Files.createTempDirectory("slmp-backpressure"),
                new JsonObject()
                    .put("inbox", new JsonObject().put("enabled", false))
                    .put("limits", new JsonObject().put("maxInflightPerConnection", MAX_INFLIGHT)))
            .await();
  }

  @AfterEach
  void stop() throws IOException {
    for (SocketChannel c : channels) {
      c.close();
    }
    vertx.close().await();
  }

  /** A flooding device: authenticated, then non-blocking so that it can write without reading. */
  private ChannelDevice flooder(String id) throws IOException {
    ChannelDevice d =
        new ChannelDevice(node.port(), node.derivedDevice(id, Suite.X25519_CHACHA20POLY1305));
    channels.add(d.channel);
    d.channel.configureBlocking(false);
    return d;
  }

  /**
   * Writes {@code frame} over and over without reading, until the node stops taking bytes (the
   * kernel buffers are full for a second) or {@link #FLOOD_LIMIT} is reached; returns the bytes
   * written.
   */
  static long floodUntilStalled(ChannelDevice d, java.util.function.Supplier<byte[]> frame)
      throws IOException {
    long written = 0;
    long stalledSince = 0;
    ByteBuffer pending = d.unsent;
    while (written < FLOOD_LIMIT) {
      if (!pending.hasRemaining()) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        while (batch.size() < 16_384) {
          batch.writeBytes(frame.get());
        }
        pending = ByteBuffer.wrap(batch.toByteArray());
      }
      int n = d.channel.write(pending);
      written += n;
      if (n > 0) {
        stalledSince = 0;
      } else if (stalledSince == 0) {
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > 1_000_000_000L) {
        d.unsent = pending;
        return written;
      } else {
        Thread.onSpinWait();
      }
    }
    return written;
  }

  @Test
  void aDeviceThatFloodsDataWithAckWhileItsConsumerIsSlowIsHeldAtTheInflightLimitAndLosesNothing()
      throws Exception {
    // GIVEN a consumer that holds every delivery until the test lets go, and tracks how many are
    // unanswered
    ConcurrentLinkedQueue<Message<JsonObject>> held = new ConcurrentLinkedQueue<>();
    AtomicInteger maxUnanswered = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.DELIVER,
            m -> {
              held.add(m);
              maxUnanswered.accumulateAndGet(held.size(), Math::max);
            })
        .completion()
        .await();
    ChannelDevice flooder = flooder("flooder-data");
    // WHEN the device pipelines DATA with ACK_REQUESTED without reading
    long written =
        floodUntilStalled(
            flooder,
            () ->
                flooder.device.sendData("t", new byte[32], true).seq() > 0
                    ? flooder.take()
                    : new byte[0]);
    // THEN the node stopped reading it with exactly the limit of deliveries in flight
    assertTrue(written < FLOOD_LIMIT, "the node stopped taking bytes, after " + written);
    Eventually.until(
        () -> held.size() == MAX_INFLIGHT,
        java.time.Duration.ofSeconds(10),
        "the limit of deliveries reached the consumer");
    assertEquals(MAX_INFLIGHT, maxUnanswered.get(), "never more than the limit in flight");
    // AND once the consumer answers, every message the device wrote is delivered and acknowledged,
    // in order
    int sent = flooder.device.unacknowledged();
    AtomicInteger answered = new AtomicInteger();
    Thread answerer =
        new Thread(
            () -> {
              while (answered.get() < sent) {
                Message<JsonObject> m = held.poll();
                if (m != null) {
                  m.reply(null);
                  answered.incrementAndGet();
                } else {
                  Thread.onSpinWait();
                }
              }
            });
    answerer.start();
    flooder.read(sent);
    answerer.join();
    assertEquals(sent, flooder.acks.size());
    assertTrue(flooder.acks.stream().allMatch(s -> s == AckStatus.ACCEPTED));
    assertTrue(maxUnanswered.get() <= MAX_INFLIGHT, "max in flight " + maxUnanswered.get());
  }

  @Test
  void aDeviceThatNeverReadsItsPongsIsNoLongerReadAndAnotherDeviceIsServed() throws Exception {
    vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.DELIVER, m -> m.reply(null))
        .completion()
        .await();
    ChannelDevice flooder = flooder("flooder-ping");
    byte[] ping = new Frame(FrameType.PING, new byte[0]).encode();
    // WHEN a device writes PINGs without ever reading a PONG
    long written = floodUntilStalled(flooder, () -> ping);
    // THEN the node stops reading it once its answers cannot be written (the flood stalls far below
    // the limit)
    assertTrue(written < FLOOD_LIMIT, "the node stopped taking bytes, after " + written);
    // AND a well-behaved device still gets its handshake and its ACK
    ChannelDevice other = flooder("polite");
    other.device.sendData("t", "21.5".getBytes(StandardCharsets.UTF_8), true);
    other.channel.configureBlocking(true);
    other.send(other.take());
    other.read(1);
    assertEquals(List.of(AckStatus.ACCEPTED), other.acks);
  }
}
