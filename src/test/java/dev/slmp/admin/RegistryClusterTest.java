package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.CliRun;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.LogCapture;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One device registry for a cluster of three real Hazelcast members (event-bus TLS, each node its
 * own data directory): a revoke made with the CLI on one node's {@code devices.json} or through one
 * node's admin API ends the device's connection on another node with {@code CLOSE(AUTH_FAILED)} and
 * deletes its sessions; a node that was down catches up when it comes back; a broken edit of a
 * node's file is refused and the node keeps its last good registry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryClusterTest {
  private static final Suite SUITE = Suite.X25519_CHACHA20POLY1305;
  @TempDir static Path dir;
  static TestCluster cluster;
  static Vertx devices = Vertx.vertx();
  static TestNode a;
  static TestNode b;
  static TestNode c;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir);
    a = await(cluster.start(0, 3, cluster.dataDirFor(0), new JsonObject()));
    b = await(cluster.start(1, 3, cluster.dataDirFor(1), new JsonObject()));
    c = await(cluster.start(2, 3, cluster.dataDirFor(2), new JsonObject()));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      await(cluster.closeAll());
    }
    await(devices.close());
  }

  private static DeviceOnRaw connected(TestNode n, DeviceIdentity id) {
    DeviceOnRaw d = await(DeviceOnRaw.connect(devices, n.port(), id));
    await(d.handshake());
    return d;
  }

  private static String closeOf(DeviceOnRaw d) {
    Frame f = await(d.raw.closeFrame());
    byte[] body = f.body();
    return CloseCode.of(body[0] & 0xFF)
        + " "
        + new String(body, 1, body.length - 1, StandardCharsets.UTF_8);
  }

  private static CliRun cli(String... args) {
    return CliRun.of(List.of(args));
  }

  @Test
  @Order(1)
  void aCliRevokeOnAnotherNodesDataDirectoryClosesTheDeviceAndItsSessionsEverywhere() {
    // GIVEN a device connected to node B, holding a session ticket
    DeviceIdentity id = b.derivedDevice("fleet-1", SUITE);
    DeviceOnRaw d = await(DeviceOnRaw.connect(devices, b.port(), id));
    DeviceTicket ticket = await(d.handshake());
    // WHEN the operator revokes it with the CLI on node A's data directory
    long t0 = System.nanoTime();
    CliRun r = cli("device", "revoke", "fleet-1", "--data", a.dataDir().toString());
    assertEquals(0, r.code(), r.err());
    // THEN B closes it with AUTH_FAILED about a second later (A's file check, then the cluster)
    assertEquals("AUTH_FAILED device revoked", closeOf(d));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 3000, "closed " + ms + " ms after the revoke");
    // AND every node's own file says so
    for (TestNode n : List.of(a, b, c)) {
      Eventually.until(
          () -> n.services().data().registry().isRevoked("fleet-1"),
          Duration.ofSeconds(5),
          "revoked on " + n.nodeId());
      Eventually.until(
          () -> fileSays(n, "revoked", "fleet-1"), Duration.ofSeconds(5), "in the file");
    }
    // WHEN it is reinstated with the CLI on node C's data directory
    assertEquals(0, cli("device", "reinstate", "fleet-1", "--data", c.dataDir().toString()).code());
    Eventually.until(
        () -> !b.services().data().registry().isRevoked("fleet-1"),
        Duration.ofSeconds(5),
        "reinstated on B");
    // THEN its old session does not come back, and a full handshake works
    DeviceOnRaw resumed = await(DeviceOnRaw.connect(devices, b.port(), id));
    resumed.resume(ticket.nextCounter());
    assertEquals(CloseCode.SESSION_UNKNOWN.code(), await(resumed.raw.closeCode()));
    connected(b, id).raw.socket.close();
  }

  @Test
  @Order(2)
  void anApiRevokeOnNodeAClosesTheDeviceOnNodeC() throws Exception {
    DeviceOnRaw d = connected(c, c.derivedDevice("fleet-2", SUITE));
    AdminHttp apiA =
        new AdminHttp(a.adminPort(), Files.readString(a.dataDir().resolve(AdminToken.FILE)).trim());
    AdminHttp.Reply r = apiA.post("/api/devices/fleet-2/revoke", "");
    assertEquals(200, r.status(), r.body());
    assertEquals("AUTH_FAILED device revoked", closeOf(d));
    // A new handshake on any node is refused.
    DeviceOnRaw again =
        await(DeviceOnRaw.connect(devices, b.port(), b.derivedDevice("fleet-2", SUITE)));
    again.handshake();
    assertEquals(CloseCode.AUTH_FAILED.code(), await(again.raw.closeCode()));
  }

  @Test
  @Order(3)
  void aNodeThatWasDownCatchesUpAndGivesItsOwnChanges() throws Exception {
    // GIVEN node C down
    Path dirC = c.dataDir();
    var left = cluster.memberLeft(0);
    await(cluster.vertx.get(2).close());
    await(left);
    // WHEN a device is added and another revoked on A meanwhile, and one revoked on C's own file
    CliRun added = cli("device", "add", "new-while-down", "--data", a.dataDir().toString());
    assertEquals(0, added.code(), added.err());
    String key = added.lines().get(0);
    assertEquals(0, cli("device", "revoke", "fleet-3", "--data", a.dataDir().toString()).code());
    assertEquals(0, cli("device", "revoke", "offline", "--data", dirC.toString()).code());
    Eventually.until(
        () -> b.services().data().registry().isRevoked("fleet-3"),
        Duration.ofSeconds(5),
        "B has A's revoke");
    // THEN C, started again on its old data directory, has both before it takes devices
    c = await(cluster.start(2, 3, dirC, new JsonObject()));
    assertTrue(c.services().data().registry().isRevoked("fleet-3"));
    assertTrue(fileSays(c, "revoked", "fleet-3"));
    assertEquals(
        key, dev.slmp.crypto.Bytes.hex(c.services().data().registry().deviceKey("new-while-down")));
    DeviceOnRaw refused =
        await(DeviceOnRaw.connect(devices, c.port(), c.derivedDevice("fleet-3", SUITE)));
    refused.handshake();
    assertEquals(CloseCode.AUTH_FAILED.code(), await(refused.raw.closeCode()));
    // AND the others have what C's file had
    for (TestNode n : List.of(a, b)) {
      Eventually.until(
          () -> n.services().data().registry().isRevoked("offline"),
          Duration.ofSeconds(5),
          "C's offline revoke on " + n.nodeId());
    }
  }

  @Test
  @Order(4)
  void aBrokenEditIsRefusedAndTheLastGoodRegistryStays() throws Exception {
    LogCapture log = LogCapture.of("dev.slmp.node.RegistryVerticle");
    Path file = a.dataDir().resolve("devices.json");
    String good = Files.readString(file);
    DeviceOnRaw d = connected(a, a.derivedDevice("fleet-4", SUITE));
    try {
      for (String broken :
          List.of(
              good.substring(0, good.length() / 2), // half-written
              "{\"devices\": {\"x\": {\"key\": \"zz\"}}}", // invalid key
              "{\"revoked\": {\"fleet-4\": \"now\"}}")) { // wrong type
        log.lines.clear();
        Files.writeString(file, broken);
        Eventually.until(
            () ->
                log.lines.stream()
                    .anyMatch(
                        l ->
                            l.contains("refused the edit of the device registry")
                                && l.contains("devices.json")
                                && l.contains("the last good registry stays in force")),
            Duration.ofSeconds(5),
            () -> "a clear log line for " + broken + ": " + log.lines);
        // The node keeps what it had: the registered device added earlier, the revocations.
        assertTrue(a.services().data().registry().isRevoked("fleet-3"));
        assertTrue(a.services().data().registry().isRegistered("new-while-down"));
        assertFalse(a.services().data().registry().isRevoked("fleet-4"));
      }
      // WHILE the file is broken a revoke made elsewhere still bites on A, and the file is left
      // for the operator to fix
      String brokenText = Files.readString(file);
      AdminHttp apiB =
          new AdminHttp(
              b.adminPort(), Files.readString(b.dataDir().resolve(AdminToken.FILE)).trim());
      assertEquals(200, apiB.post("/api/devices/fleet-4/revoke", "").status());
      assertEquals("AUTH_FAILED device revoked", closeOf(d));
      assertTrue(a.services().data().registry().isRevoked("fleet-4"));
      assertEquals(brokenText, Files.readString(file));
      // WHEN the operator puts the old good file back, THEN A writes the revoke made meanwhile
      Files.writeString(file, good);
      Eventually.until(() -> fileSays(a, "revoked", "fleet-4"), Duration.ofSeconds(5), "merged");
      assertTrue(fileSays(a, "revoked", "fleet-3"));
      Eventually.until(
          () -> log.lines.stream().anyMatch(l -> l.contains("readable again")),
          Duration.ofSeconds(5),
          "says the file is good again");
    } finally {
      log.close();
    }
  }

  @Test
  @Order(5)
  void aForgedOrDeletedRegistryEntryChangesNothing() throws Exception {
    // A member without the cluster key (here: anyone with the Hazelcast map) writes garbage over
    // fleet-2's entry, then deletes it.
    com.hazelcast.map.IMap<String, byte[]> map =
        cluster.managers.get(0).getHazelcastInstance().getMap(dev.slmp.cluster.ClusterRegistry.MAP);
    LogCapture log = LogCapture.of("dev.slmp.cluster.ClusterRegistry");
    try {
      map.put("fleet-2", new byte[64]);
      Eventually.until(
          () -> log.lines.stream().anyMatch(l -> l.contains("does not open under the cluster key")),
          Duration.ofSeconds(5),
          "the forged value is reported");
      map.remove("fleet-2");
      var registry =
          new dev.slmp.cluster.ClusterRegistry(
              map,
              new dev.slmp.cluster.ClusterSeal(
                  dev.slmp.datadir.DataDirectory.open(a.dataDir()).clusterKey()));
      Eventually.until(
          () -> registry.all().containsKey("fleet-2") && registry.all().get("fleet-2").revoked(),
          Duration.ofSeconds(5),
          "the nodes put the deleted entry back");
      for (TestNode n : List.of(a, b, c)) {
        assertTrue(n.services().data().registry().isRevoked("fleet-2"), n.nodeId());
      }
    } finally {
      log.close();
    }
  }

  private static boolean fileSays(TestNode n, String section, String id) {
    try {
      JsonObject json = new JsonObject(Files.readString(n.dataDir().resolve("devices.json")));
      return json.getJsonObject(section, new JsonObject()).containsKey(id);
    } catch (Exception e) {
      return false;
    }
  }
}
