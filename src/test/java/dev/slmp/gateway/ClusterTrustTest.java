package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.slmp.bus.Addresses;
import dev.slmp.cluster.ClusterSetup;
import dev.slmp.cluster.HazelcastSessionStore;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.LogCapture;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.ResumeFlight;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 with real Hazelcast members: what a node reads from the cluster — session values,
 * internal notices, auth replies — is checked before it is acted on. Node A serves devices and asks
 * node B (auth only) for AUTH checks; the tests then write to the session map directly, publish
 * malformed notices, and finally replace B's auth service by a forger.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrustTest {
  @TempDir static Path root;
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new TestCluster(root);
    Path da = cluster.dataDirFor(0);
    Path db = cluster.dataDirFor(1);
    JsonObject authOnly =
        new JsonObject().put("verticles", new JsonObject().put("gateway", 0).put("handshake", 0));
    b = await(cluster.start(1, 2, db, authOnly));
    a =
        await(
            cluster.start(
                0, 2, da, new JsonObject().put("verticles", new JsonObject().put("auth", 0))));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() {
    await(vertx.close());
    await(cluster.closeAll());
  }

  private static IMap<String, byte[]> sessions() {
    return cluster.managers.get(1).getHazelcastInstance().getMap(ClusterSetup.SESSIONS_MAP);
  }

  /** A full handshake of {@code id} on A; the device's ticket. */
  private static DeviceTicket session(DeviceIdentity device) {
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, a.port(), device));
    DeviceTicket t = await(d.handshake());
    await(d.raw.socket.close());
    return t;
  }

  /** RESUME and one EARLY DATA as a device would send them, captured instead of sent. */
  private static byte[] firstFlight(DeviceIdentity device, DeviceTicket t, String payload) {
    return ResumeFlight.capture(device, t, payload);
  }

  /** Sends a first flight to A; the first frame A answers (RESUMED or CLOSE). */
  private static Frame send(byte[] flight) {
    RawDevice raw = await(RawDevice.connect(vertx, a.port()));
    Promise<Frame> first = Promise.promise();
    raw.onFrame = first::tryComplete;
    await(raw.send(flight));
    Frame f = await(first.future());
    raw.socket.close();
    return f;
  }

  private static int closeCode(Frame f) {
    assertEquals(FrameType.CLOSE, f.type(), "a CLOSE, was " + RawDevice.describe(f));
    return Close.decode(f.body()).code();
  }

  private static long refused() {
    return ((HazelcastSessionStore) a.services().sessions()).refusedValues();
  }

  /**
   * Verifies that a resume counter reset in the map does not make a captured RESUME valid again.
   */
  @Test
  @Order(1)
  void aCounterResetInTheMapIsRefusedNotReplayed() {
    // GIVEN a session resumed once on A with counter 1, that first flight captured
    DeviceIdentity device = a.derivedDevice("roamer", Suite.X25519_CHACHA20POLY1305);
    DeviceTicket t = session(device).nextCounter();
    byte[] flight = firstFlight(device, t, "once");
    assertEquals(FrameType.RESUMED, send(flight).type());
    assertEquals(CloseCode.REPLAY.code(), closeCode(send(flight)), "a replay, before the reset");
    // WHEN a Hazelcast member without the cluster key sets the stored counter back to 0
    String key = Bytes.hex(t.sessionId());
    byte[] v = sessions().get(key);
    assertEquals(1, Bytes.u32(v, 1), "the counter is where the store documents it");
    Bytes.putU32(v, 1, 0);
    sessions().set(key, v);
    long before = refused();
    // THEN the captured flight is refused SESSION_UNKNOWN, the refusal counted
    assertEquals(CloseCode.SESSION_UNKNOWN.code(), closeCode(send(flight)));
    assertEquals(before + 1, refused());
  }

  /** Verifies that a session value altered in the map is treated as absent, and logged. */
  @Test
  @Order(2)
  void anAlteredSessionValueIsSessionUnknown() {
    // GIVEN a session made on A
    DeviceIdentity device = a.derivedDevice("tampered", Suite.P256_AES128GCM);
    DeviceTicket t = session(device);
    String key = Bytes.hex(t.sessionId());
    LogCapture log = LogCapture.of(HazelcastSessionStore.class.getName());
    try {
      // WHEN one byte of its sealed body is flipped in the map, and then its expiry pushed out
      byte[] v = sessions().get(key);
      byte[] flipped = v.clone();
      flipped[flipped.length - 1] ^= 1;
      sessions().set(key, flipped);
      long before = refused();
      // THEN resuming it gets SESSION_UNKNOWN both times, each counted, and a log line says why
      assertEquals(
          CloseCode.SESSION_UNKNOWN.code(),
          closeCode(send(firstFlight(device, t = t.nextCounter(), "x"))));
      byte[] later = v.clone();
      later[5] ^= 1;
      sessions().set(key, later);
      assertEquals(
          CloseCode.SESSION_UNKNOWN.code(),
          closeCode(send(firstFlight(device, t.nextCounter(), "y"))));
      assertTrue(refused() >= before + 2, "refusals counted: " + (refused() - before));
      assertTrue(
          log.lines.stream().anyMatch(l -> l.contains("failed its cluster-key check")),
          log.lines.toString());
    } finally {
      log.close();
    }
  }

  /** Verifies that malformed takeover notices are ignored, and a well-formed one still acts. */
  @Test
  @Order(3)
  void malformedConnectedNoticesAreIgnored() {
    // GIVEN a device connected to A
    DeviceIdentity device = a.derivedDevice("lamp", Suite.X25519_CHACHA20POLY1305);
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, a.port(), device));
    await(d.handshake());
    Vertx vb = cluster.vertx.get(1);
    LogCapture log = LogCapture.of("dev.slmp.node.SlmpNode");
    try {
      // WHEN another member publishes malformed notices about it
      long future = System.currentTimeMillis() + 3_600_000;
      Object[] bad = {
        "lamp",
        new JsonObject().put("device", "lamp"),
        new JsonObject()
            .put("device", "lamp")
            .put("connection", "x/1")
            .put("at", "soon")
            .put("node", "n"),
        new JsonObject()
            .put("device", "lamp")
            .put("connection", "x/1")
            .put("at", future)
            .put("node", "n"),
        new JsonObject().put("device", "lamp").put("connection", "").put("at", 1L).put("node", "n"),
      };
      for (Object body : bad) {
        vb.eventBus().publish(Addresses.CONNECTED, body);
      }
      // THEN the device's connection still works (no consumer: NOT_DELIVERED, but answered)
      assertEquals(AckStatus.NOT_DELIVERED, await(d.sendWithAck("t", "still here")));
      // AND a well-formed notice of a newer connection, published after them, takes it over
      vb.eventBus()
          .publish(
              Addresses.CONNECTED,
              new JsonObject()
                  .put("device", "lamp")
                  .put("connection", "elsewhere/1")
                  .put("at", System.currentTimeMillis() + 1000)
                  .put("node", "elsewhere"));
      Frame close = await(d.raw.closeFrame());
      assertEquals(CloseCode.NORMAL.code(), Close.decode(close.body()).code());
      assertTrue(
          log.lines.stream().anyMatch(l -> l.contains("ignored a malformed")),
          log.lines.toString());
    } finally {
      log.close();
    }
  }

  /**
   * Verifies that an auth reply naming another device than asked, or none, authenticates nobody.
   */
  @Test
  @Order(5)
  void aForgedAuthReplyIsRefused() {
    // GIVEN B's auth service replaced by a forger that vouches for another device
    await(b.stop());
    AtomicInteger asked = new AtomicInteger();
    Object[] reply = {new JsonObject().put("device", "admin")};
    var forger =
        cluster
            .vertx
            .get(1)
            .eventBus()
            .consumer(
                Addresses.AUTH_VERIFY,
                m -> {
                  asked.incrementAndGet();
                  m.reply(reply[0]);
                });
    await(forger.completion());
    try {
      for (Object forged :
          new Object[] {new JsonObject().put("device", "admin"), "yes", new JsonObject()}) {
        reply[0] = forged;
        // WHEN a device does a full handshake on A
        DeviceOnRaw d =
            await(
                DeviceOnRaw.connect(
                    vertx, a.port(), a.derivedDevice("sensor", Suite.P256_AES128GCM)));
        d.handshake();
        // THEN A closes AUTH_FAILED, having asked the forger
        assertEquals(CloseCode.AUTH_FAILED.code(), await(d.raw.closeCode()), "reply " + forged);
      }
      assertEquals(3, asked.get());
    } finally {
      await(forger.unregister());
    }
  }

  /** Verifies that a clustered node without cluster.expectedSize refuses to start, naming it. */
  @Test
  @Order(7)
  void aClusteredNodeNeedsTheExpectedSize() throws Exception {
    // GIVEN no cluster.expectedSize (the default, 0)
    // WHEN a cluster manager is made, or a node deployed on a clustered Vert.x
    // THEN each refuses, naming the key
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterSetup.clusterManager(ClusterSetup.loadConfig(), 0));
    assertTrue(e.getMessage().contains("'cluster.expectedSize'"), e.getMessage());
    Throwable fail =
        dev.slmp.testkit.Await.failure(
            TestNode.start(cluster.vertx.get(0), cluster.dataDirFor(2), new JsonObject()));
    assertTrue(fail.getMessage().contains("'cluster.expectedSize'"), fail.getMessage());
  }

  /**
   * Verifies that Vert.x members without a certificate from the cluster CA — none, or one from
   * another CA — neither receive nor send a single event-bus message, though they joined Hazelcast.
   */
  @Test
  @Order(4)
  void membersWithoutTheClusterCertificateHearAndSayNothing() throws Exception {
    // GIVEN a device connected to A, and two strangers in the Hazelcast cluster: one without TLS,
    // one with a certificate of its own CA; both register on slmp.deliver and slmp.in
    DeviceIdentity device = a.derivedDevice("watched", Suite.X25519_CHACHA20POLY1305);
    DeviceOnRaw d = await(DeviceOnRaw.connect(vertx, a.port(), device));
    await(d.handshake());
    Path otherCa = root.resolve("other-ca");
    dev.slmp.cluster.ClusterCa.init(otherCa, "other");
    Path otherNode = root.resolve("other-node");
    dev.slmp.cluster.ClusterCa.addNode(
        otherCa, otherNode, "intruder", java.util.List.of("127.0.0.1"));
    Vertx plain = await(cluster.member(2, null));
    Vertx forged = await(cluster.member(2, otherNode));
    AtomicInteger heard = new AtomicInteger();
    for (Vertx s : java.util.List.of(plain, forged)) {
      await(s.eventBus().consumer(Addresses.DELIVER, m -> heard.incrementAndGet()).completion());
      await(s.eventBus().consumer(Addresses.IN, m -> heard.incrementAndGet()).completion());
    }
    // WHEN the device sends a message that wants an ACK, and each stranger asks A to send the
    // device a command and publishes that the device connected elsewhere
    AckStatus status = await(d.sendWithAck("t", "secret reading"));
    for (Vertx s : java.util.List.of(plain, forged)) {
      Throwable err =
          dev.slmp.testkit.Await.failure(
              s.eventBus()
                  .request(
                      Addresses.out("watched"),
                      new JsonObject().put("topic", "cmd").put("payload", "b24=").put("ack", false),
                      new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(3000)));
      assertTrue(err instanceof io.vertx.core.eventbus.ReplyException, String.valueOf(err));
      s.eventBus()
          .publish(
              Addresses.CONNECTED,
              new JsonObject()
                  .put("device", "watched")
                  .put("connection", "intruder/1")
                  .put("at", System.currentTimeMillis() + 1000)
                  .put("node", "intruder"));
    }
    // THEN nothing reached the strangers (the only slmp.deliver consumers: NOT_DELIVERED), the
    // device got no command and is still connected, its next message answered
    assertEquals(AckStatus.NOT_DELIVERED, status);
    assertEquals(AckStatus.NOT_DELIVERED, await(d.sendWithAck("t", "still private")));
    assertEquals(0, heard.get(), "messages the strangers received");
    assertEquals(0, d.messages.size(), "commands the device received");
    await(plain.close());
    await(forged.close());
  }
}
