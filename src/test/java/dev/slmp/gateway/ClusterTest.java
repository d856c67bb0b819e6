package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.ResumeFlight;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered nodes A, B, C in one JVM: sessions, resumption, replay protection and routing
 * across the cluster.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  @TempDir static Path root;
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static TestNode c;
  static final List<JsonObject> deliveredOnC = new CopyOnWriteArrayList<>();
  static DeviceIdentity device;
  static DeviceTicket ticket;
  static byte[] firstResume;

  @BeforeAll
  static void startCluster(VertxTestContext ctx) throws Exception {
    cluster = new TestCluster(root);
    Path d0 = cluster.dataDirFor(0);
    Path d1 = cluster.dataDirFor(1);
    Path d2 = cluster.dataDirFor(2);
    cluster
        .start(0, 3, d0, new JsonObject())
        .compose(
            n -> {
              a = n;
              return cluster.start(1, 3, d1, new JsonObject());
            })
        .compose(
            n -> {
              b = n;
              return cluster.start(2, 3, d2, new JsonObject());
            })
        .compose(
            n -> {
              c = n;
              return cluster
                  .vertx
                  .get(2)
                  .eventBus()
                  .<JsonObject>consumer(
                      Addresses.DELIVER,
                      m -> {
                        deliveredOnC.add(m.body());
                        m.reply(new JsonObject());
                      })
                  .completion();
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stopCluster(VertxTestContext ctx) {
    cluster.closeAll().onComplete(ar -> ctx.completeNow());
  }

  private static long deliveredWith(String payload) {
    return deliveredOnC.stream()
        .filter(
            m ->
                payload.equals(
                    new String(
                        Base64.getDecoder().decode(m.getString("payload")),
                        StandardCharsets.UTF_8)))
        .count();
  }

  private static int sentinels;

  /**
   * A message through each node, each delivered by C's consumer: one node's deliveries reach C in
   * order, so by then anything the nodes delivered before is there too.
   */
  private static Future<Void> drained(Vertx vertx) {
    List<Future<AckStatus>> acks = new java.util.ArrayList<>();
    for (TestNode n : List.of(a, b, c)) {
      DeviceIdentity s = n.derivedDevice("sentinel-" + sentinels++, Suite.X25519_CHACHA20POLY1305);
      acks.add(
          DeviceOnRaw.connect(vertx, n.port(), s)
              .compose(
                  d ->
                      d.handshake()
                          .compose(t -> d.sendWithAck("t", "sentinel"))
                          .compose(st -> d.raw.socket.close().map(st))));
    }
    return Future.all(acks)
        .compose(
            all ->
                acks.stream().allMatch(f -> f.result() == AckStatus.ACCEPTED)
                    ? Future.succeededFuture()
                    : Future.failedFuture("a sentinel was not ACCEPTED"));
  }

  /** RESUME and one EARLY DATA as a device would send them, captured instead of sent. */
  private static byte[] firstFlight(DeviceTicket t, String payload) {
    return ResumeFlight.capture(device, t, payload);
  }

  /**
   * Sends a captured first flight; completes with the first frame the node answers (RESUMED or
   * CLOSE).
   */
  private static Future<Frame> replay(Vertx vertx, TestNode node, byte[] flight) {
    return RawDevice.connect(vertx, node.port())
        .compose(
            raw -> {
              io.vertx.core.Promise<Frame> first = io.vertx.core.Promise.promise();
              raw.onFrame = first::tryComplete;
              return raw.send(flight)
                  .compose(v -> first.future())
                  .onComplete(ar -> raw.socket.close());
            });
  }

  /**
   * Verifies that a session from a full handshake on A resumes on B with EARLY DATA, delivered by
   * the consumer on C.
   */
  @Test
  @Order(1)
  void fullHandshakeOnAThenResumeWithEarlyDataOnBDeliversToC(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a device that did a full handshake on A
    // WHEN it resumes on B with EARLY DATA
    // THEN it is resumed, the message ACCEPTED, delivered once on C and stamped with B's node id
    device = a.derivedDevice("roamer", Suite.X25519_CHACHA20POLY1305);
    DeviceOnRaw.connect(vertx, a.port(), device)
        .compose(
            d ->
                d.handshake()
                    .compose(
                        t -> {
                          ticket = t;
                          return d.raw.socket.close();
                        }))
        .compose(v -> DeviceOnRaw.connect(vertx, b.port(), device))
        .compose(
            d -> {
              DeviceTicket next = ticket.nextCounter();
              ticket = next;
              Future<DeviceTicket> resumed = d.resume(next);
              Future<AckStatus> early = d.sendWithAck("t", "woke up on B");
              firstResume = d.written.get(0).clone();
              byte[] data = d.written.get(1);
              firstResume = concat(firstResume, data);
              return Future.all(resumed, early)
                  .map(
                      x -> {
                        ctx.verify(
                            () -> {
                              assertTrue(
                                  d.device.isResumed(),
                                  "resumed on a node other than the one that did the full handshake");
                              assertEquals(AckStatus.ACCEPTED, early.result());
                              assertEquals(
                                  1, deliveredWith("woke up on B"), "the consumer on C took it");
                              JsonObject m =
                                  deliveredOnC.stream()
                                      .filter(j -> j.getBoolean("early"))
                                      .findFirst()
                                      .orElseThrow();
                              assertEquals(b.services().nodeId(), m.getString("node"));
                            });
                        return d;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] r = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, r, x.length, y.length);
    return r;
  }

  /**
   * Verifies that the captured first flight of that resumption, replayed to each node, is refused
   * REPLAY and never delivered.
   */
  @Test
  @Order(2)
  void aReplayedFirstFlightIsRefusedOnEveryNode(Vertx vertx, VertxTestContext ctx) {
    // GIVEN the first flight (RESUME + EARLY DATA) captured in the previous test
    // WHEN it is replayed to A, B and C
    // THEN each node closes REPLAY, and, once a later message from each node was delivered, the
    // early data was delivered once
    assertNotNull(firstResume);
    Future.all(
            replay(vertx, a, firstResume),
            replay(vertx, b, firstResume),
            replay(vertx, c, firstResume))
        .compose(all -> drained(vertx).map(all))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < 3; i++) {
                            Frame f = all.resultAt(i);
                            assertEquals(FrameType.CLOSE, f.type(), "node " + i);
                            assertEquals(
                                CloseCode.REPLAY.code(),
                                Close.decode(f.body()).code(),
                                "node " + i);
                          }
                          assertEquals(
                              1,
                              deliveredWith("woke up on B"),
                              "the replayed early data was never delivered");
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that of two concurrent resumptions with the same counter on two nodes, exactly one
   * wins.
   */
  @Test
  @Order(3)
  void twoConcurrentResumesWithOneCounterExactlyOneWins(Vertx vertx, VertxTestContext ctx) {
    // GIVEN one first flight with the next counter
    // WHEN it is sent to B and C at once
    // THEN one node answers RESUMED, the other closes REPLAY
    ticket = ticket.nextCounter();
    byte[] flight = firstFlight(ticket, "raced");
    Future.all(replay(vertx, b, flight), replay(vertx, c, flight))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          Frame x = all.resultAt(0);
                          Frame y = all.resultAt(1);
                          int resumed =
                              (x.type() == FrameType.RESUMED ? 1 : 0)
                                  + (y.type() == FrameType.RESUMED ? 1 : 0);
                          assertEquals(1, resumed, "exactly one node accepted the counter");
                          Frame loser = x.type() == FrameType.RESUMED ? y : x;
                          assertEquals(FrameType.CLOSE, loser.type());
                          assertEquals(CloseCode.REPLAY.code(), Close.decode(loser.body()).code());
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that a command sent on C reaches a device connected to B, and a connection on C takes
   * over.
   */
  @Test
  @Order(4)
  void outboundFromCReachesADeviceOnBAndAConnectionOnCTakesOver(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a device connected to B
    // WHEN an application on C sends it a command, and the device then connects to C
    // THEN the command is ACCEPTED, and the connection on B is closed NORMAL "taken over"
    DeviceIdentity lamp = b.derivedDevice("lamp", Suite.P256_AES128GCM);
    Vertx vc = cluster.vertx.get(2);
    DeviceOnRaw.connect(vertx, b.port(), lamp)
        .compose(
            onB ->
                onB.handshake()
                    .compose(
                        t ->
                            TestNode.requestOut(
                                vc,
                                "lamp",
                                new JsonObject()
                                    .put("topic", "cmd")
                                    .put("payload", "b24=")
                                    .put("ack", true)))
                    .compose(
                        reply -> {
                          ctx.verify(
                              () -> {
                                assertEquals("ACCEPTED", reply.body().getString("status"));
                                assertEquals(1, onB.messages.size());
                                assertEquals("cmd", onB.messages.get(0).topic());
                              });
                          return DeviceOnRaw.connect(vertx, c.port(), lamp);
                        })
                    .compose(onC -> onC.handshake().compose(t -> onB.raw.closeFrame()))
                    .map(
                        close -> {
                          ctx.verify(
                              () -> {
                                assertEquals(
                                    CloseCode.NORMAL.code(), Close.decode(close.body()).code());
                                assertTrue(
                                    new String(
                                            close.body(),
                                            1,
                                            close.body().length - 1,
                                            StandardCharsets.UTF_8)
                                        .contains("taken over"));
                              });
                          return close;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Verifies that a node whose cluster secrets differ is refused at start and leaves the cluster:
   * its Hazelcast member shuts down, so it owns no partition it could not serve (the tests after
   * this one resume sessions cluster-wide).
   */
  @Test
  @Order(6)
  void aNodeWithOtherSecretsIsRefusedAtStartAndLeaves() throws Exception {
    // GIVEN a data directory with secrets of its own
    Path stranger = root.resolve("stranger");
    DataDirectory.openOrCreate(stranger);
    // Admitted to the event bus (a certificate from the cluster CA): the fingerprint check refuses.
    dev.slmp.cluster.ClusterCa.addNode(cluster.caDir(), stranger, "stranger", List.of("127.0.0.1"));
    var members = cluster.managers.get(0).getHazelcastInstance().getCluster();
    // WHEN a node with it joins the cluster
    Throwable err = Await.failure(cluster.start(3, 3, stranger, new JsonObject()));
    // THEN its start fails naming why
    assertTrue(err.getMessage().contains("differ from the cluster"), err.getMessage());
    // AND its Hazelcast member has left: A sees three members again, and the stranger's is down
    var strangers = cluster.managers.get(3).getHazelcastInstance();
    assertFalse(strangers.getLifecycleService().isRunning(), "the refused member shut down");
    Eventually.until(
        () -> members.getMembers().size() == 3, Await.TIMEOUT, "the refused member left");
    Await.await(cluster.clusterSafe(a.vertx()));
  }

  /** A full handshake of {@code id} on {@code node}; the connection is closed after WELCOME. */
  private static DeviceTicket fullHandshake(Vertx vertx, TestNode node, DeviceIdentity id) {
    DeviceOnRaw d = Await.await(DeviceOnRaw.connect(vertx, node.port(), id));
    DeviceTicket t = Await.await(d.handshake());
    Await.await(d.raw.socket.close());
    return t;
  }

  /**
   * Verifies that a second full handshake replaces the device's session cluster-wide: resuming the
   * first session on a third node gets {@code SESSION_UNKNOWN}, the new one resumes.
   */
  @Test
  @Order(20)
  void aSecondFullHandshakeReplacesTheDevicesSessionClusterWide(Vertx vertx) {
    // GIVEN a device with a session from a full handshake on A, then another full handshake on B
    DeviceIdentity id = a.derivedDevice("replaced", Suite.P256_AES128GCM);
    DeviceTicket first = fullHandshake(vertx, a, id);
    DeviceTicket second = fullHandshake(vertx, b, id);
    // WHEN it resumes the first session on C
    DeviceOnRaw old = Await.await(DeviceOnRaw.connect(vertx, c.port(), id));
    old.resume(first.nextCounter());
    // THEN SESSION_UNKNOWN: one live session per device
    assertEquals(CloseCode.SESSION_UNKNOWN.code(), Await.await(old.raw.closeCode()));
    // AND the second session resumes on C
    DeviceOnRaw fresh = Await.await(DeviceOnRaw.connect(vertx, c.port(), id));
    Await.await(fresh.resume(second.nextCounter()));
    assertTrue(fresh.device.isResumed());
  }

  /**
   * Verifies that a node with its own auth verticles asks only them: a consumer of the auth address
   * on another member (here one that refuses everything) never answers for this node's devices.
   */
  @Test
  @Order(21)
  void aNodeWithAuthVerticlesAuthenticatesLocally(Vertx vertx) {
    // GIVEN a consumer on B's event bus that fails every auth request
    io.vertx.core.eventbus.MessageConsumer<JsonObject> rogue =
        b.vertx()
            .eventBus()
            .consumer(Addresses.AUTH_VERIFY, m -> m.fail(CloseCode.AUTH_FAILED.code(), "rogue"));
    Await.await(rogue.completion());
    try {
      // WHEN devices do full handshakes on A
      for (int i = 0; i < 8; i++) {
        DeviceIdentity id = a.derivedDevice("local-auth-" + i, Suite.X25519_CHACHA20POLY1305);
        // THEN every one is authenticated by A's own auth verticle
        assertNotNull(fullHandshake(vertx, a, id));
      }
    } finally {
      Await.await(rogue.unregister());
    }
  }
}
