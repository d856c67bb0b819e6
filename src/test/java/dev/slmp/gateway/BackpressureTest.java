package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
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

  /**
   * A device authenticated over a blocking channel, then switched to non-blocking for the flood.
   */
  private final class Flooder {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<AckStatus> acks = new ArrayList<>();
    final DeviceConnection device;
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(1 << 16);

    /** What the flood generated but the node has not taken yet. */
    ByteBuffer unsent = ByteBuffer.allocate(0);

    Flooder(String id) throws IOException {
      DeviceIdentity identity = node.derivedDevice(id, Suite.X25519_CHACHA20POLY1305);
      device =
          new DeviceConnection(
              identity,
              Randomness.secure(),
              65536,
              new DeviceConnection.Listener() {
                @Override
                public void write(byte[] bytes) {
                  out.writeBytes(bytes);
                }

                @Override
                public void message(InboundMessage m) {}

                @Override
                public void acknowledged(long seq, boolean early, AckStatus status) {
                  acks.add(status);
                }

                @Override
                public void closed(CloseCode code, String reason, boolean byPeer) {}
              });
      channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", node.port()));
      channels.add(channel);
      device.startFull();
      send(take());
      readFrames(1); // HELLO_REPLY
      send(take()); // AUTH
      readFrames(1); // WELCOME
      assertTrue(device.isEstablished());
      channel.configureBlocking(false);
    }

    byte[] take() {
      byte[] b = out.toByteArray();
      out.reset();
      return b;
    }

    void send(byte[] b) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    }

    /** Reads (blocking or polling) until {@code n} more frames were fed to the device. */
    void readFrames(int n) throws IOException {
      int seen = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (seen < n) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("only " + seen + " of " + n + " frames within 30 s");
        }
        if (unsent.hasRemaining()) {
          channel.write(unsent); // the rest of the flood, as the node takes it again
        }
        int r = channel.read(in);
        if (r < 0) {
          throw new IOException("closed by the node");
        }
        in.flip();
        while (in.remaining() >= 4) {
          int len =
              ((in.get(in.position() + 1) & 0xFF) << 16)
                  | ((in.get(in.position() + 2) & 0xFF) << 8)
                  | (in.get(in.position() + 3) & 0xFF);
          if (in.remaining() < 4 + len) {
            break;
          }
          byte[] f = new byte[4 + len];
          in.get(f);
          device.receive(f);
          seen++;
        }
        in.compact();
        if (r == 0) {
          Thread.onSpinWait();
        }
      }
    }

    /**
     * Writes {@code frame} over and over without reading, until the node stops taking bytes (the
     * kernel buffers are full for a second) or {@link #FLOOD_LIMIT} is reached; returns the bytes
     * written.
     */
    long floodUntilStalled(java.util.function.Supplier<byte[]> frame) throws IOException {
      long written = 0;
      long stalledSince = 0;
      ByteBuffer pending = unsent;
      while (written < FLOOD_LIMIT) {
        if (!pending.hasRemaining()) {
          ByteArrayOutputStream batch = new ByteArrayOutputStream();
          while (batch.size() < 16_384) {
            batch.writeBytes(frame.get());
          }
          pending = ByteBuffer.wrap(batch.toByteArray());
        }
        int n = channel.write(pending);
        written += n;
        if (n > 0) {
          stalledSince = 0;
        } else if (stalledSince == 0) {
          stalledSince = System.nanoTime();
        } else if (System.nanoTime() - stalledSince > 1_000_000_000L) {
          unsent = pending;
          return written;
        } else {
          Thread.onSpinWait();
        }
      }
      return written;
    }
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
    Flooder flooder = new Flooder("flooder-data");
    // WHEN the device pipelines DATA with ACK_REQUESTED without reading
    long written =
        flooder.floodUntilStalled(
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
    flooder.readFrames(sent);
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
    Flooder flooder = new Flooder("flooder-ping");
    byte[] ping = new Frame(FrameType.PING, new byte[0]).encode();
    // WHEN a device writes PINGs without ever reading a PONG
    long written = flooder.floodUntilStalled(() -> ping);
    // THEN the node stops reading it once its answers cannot be written (the flood stalls far below
    // the limit)
    assertTrue(written < FLOOD_LIMIT, "the node stopped taking bytes, after " + written);
    // AND a well-behaved device still gets its handshake and its ACK
    Flooder other = new Flooder("polite");
    other.device.sendData("t", "21.5".getBytes(StandardCharsets.UTF_8), true);
    other.channel.configureBlocking(true);
    other.send(other.take());
    other.readFrames(1);
    assertEquals(List.of(AckStatus.ACCEPTED), other.acks);
  }
}
