package dev.slmp.commands;

import static dev.slmp.commands.QueueFixture.command;
import static dev.slmp.commands.QueueFixture.enqueue;
import static dev.slmp.commands.QueueFixture.frameTypes;
import static dev.slmp.commands.QueueFixture.outcomes;
import static dev.slmp.commands.QueueFixture.text;
import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.slmp.bus.Addresses;
import dev.slmp.cluster.ClusterSetup;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downlink queue on three real clustered nodes A, B, C (real Hazelcast, the queue sealed under
 * the cluster key): queued on A, delivered when the device wakes on C, by full handshake or by
 * 0-RTT resumption; two connections racing on A and B deliver a command once; a stored queue that
 * fails its cluster-key check is treated as absent.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QueueClusterTest {
  @TempDir static Path root;
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static TestNode c;
  static List<JsonObject> receipts;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(root);
    a = await(cluster.start(0, 3, cluster.dataDirFor(0), new JsonObject()));
    b = await(cluster.start(1, 3, cluster.dataDirFor(1), new JsonObject()));
    c = await(cluster.start(2, 3, cluster.dataDirFor(2), new JsonObject()));
    // The application that takes the devices' readings (inbox off on these nodes), on every node
    // so that each finds a consumer without waiting for the cluster's subscriptions to spread.
    for (TestNode n : List.of(a, b, c)) {
      await(
          n.vertx()
              .eventBus()
              .<JsonObject>consumer(Addresses.DELIVER, m -> m.reply(new JsonObject()))
              .completion());
    }
    receipts = QueueFixture.receipts(a.vertx());
  }

  @AfterAll
  static void stop() {
    await(cluster.closeAll());
  }

  private static DeviceIdentity device(String id) {
    return a.derivedDevice(id, Suite.X25519_CHACHA20POLY1305);
  }

  /** Verifies: queued through A, the device handshakes on C and reads it before its ACK. */
  @Test
  void queuedOnADeliveredOnCOnAFullHandshake() {
    String id =
        await(enqueue(a.vertx(), command("cq-full", "cmd/led", "on", true))).getString("id");
    DeviceOnRaw d = await(DeviceOnRaw.connect(c.vertx(), c.port(), device("cq-full")));
    await(d.handshake());
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "reading")));
    assertEquals(List.of("HELLO_REPLY", "WELCOME", "DATA", "ACK"), frameTypes(d).subList(0, 4));
    assertEquals("on", text(d.messages.get(0).payload()));
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("ACCEPTED")),
        Duration.ofSeconds(10),
        "an ACCEPTED receipt");
    await(d.raw.socket.close());
  }

  /** Verifies: a session from B, a command queued on A, a 0-RTT resumption on C. */
  @Test
  void queuedOnADeliveredOnCOnAResumptionBeforeTheAckOfTheEarlyData() {
    DeviceOnRaw first = await(DeviceOnRaw.connect(b.vertx(), b.port(), device("cq-0rtt")));
    DeviceTicket ticket = await(first.handshake());
    await(first.raw.socket.close());
    String id = await(enqueue(a.vertx(), command("cq-0rtt", "cmd/fw", "v3", true))).getString("id");
    DeviceOnRaw d = await(DeviceOnRaw.connect(c.vertx(), c.port(), device("cq-0rtt")));
    Future<DeviceTicket> resumed = d.resume(ticket.nextCounter());
    Future<AckStatus> early = d.sendWithAck("t", "early reading");
    await(resumed);
    assertEquals(AckStatus.ACCEPTED, await(early));
    assertEquals(List.of("RESUMED", "DATA", "ACK"), frameTypes(d).subList(0, 3));
    assertEquals("v3", text(d.messages.get(0).payload()));
    Eventually.until(
        () -> outcomes(receipts, id).equals(List.of("ACCEPTED")),
        Duration.ofSeconds(10),
        "an ACCEPTED receipt");
    await(d.raw.socket.close());
  }

  /** Verifies: two connections of one device waking on A and on B at once send a command once. */
  @Test
  void twoConnectionsRacingOnTwoNodesDeliverACommandOnce() {
    await(enqueue(a.vertx(), command("cq-race", "cmd/x", "once", true)));
    DeviceOnRaw onA = await(DeviceOnRaw.connect(a.vertx(), a.port(), device("cq-race")));
    DeviceOnRaw onB = await(DeviceOnRaw.connect(b.vertx(), b.port(), device("cq-race")));
    onA.handshake();
    onB.handshake();
    Eventually.until(
        () -> onA.messages.size() + onB.messages.size() >= 1,
        Duration.ofSeconds(20),
        "the command on one of them");
    // Both are established or ended by now; give the other a moment's chance to (wrongly) send it.
    await(a.vertx().timer(500));
    assertEquals(1, onA.messages.size() + onB.messages.size());
    onA.raw.socket.close();
    onB.raw.socket.close();
  }

  /**
   * Verifies: a queue written into Hazelcast by someone without the cluster key is not believed (no
   * command delivered from it), and a real enqueue then works.
   */
  @Test
  void aForgedQueueInHazelcastIsTreatedAsAbsent() {
    IMap<String, byte[]> map =
        cluster.managers.get(0).getHazelcastInstance().getMap(ClusterSetup.COMMANDS_MAP);
    byte[] forged = new dev.slmp.downlink.DeviceQueue("cq-forged").encode();
    map.put("cq-forged", forged);
    DeviceOnRaw d = await(DeviceOnRaw.connect(c.vertx(), c.port(), device("cq-forged")));
    await(d.handshake());
    assertEquals(AckStatus.ACCEPTED, await(d.sendWithAck("t", "r")));
    assertTrue(d.messages.isEmpty());
    await(d.raw.socket.close());
    assertEquals(
        "QUEUED",
        await(enqueue(a.vertx(), command("cq-forged", "cmd/x", "real", false)))
            .getString("status"));
    byte[] stored = map.get("cq-forged");
    assertFalse(java.util.Arrays.equals(forged, stored), "the real queue replaced the forgery");
  }
}
