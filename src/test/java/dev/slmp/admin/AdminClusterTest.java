package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin server of clustered nodes on real Hazelcast members: node A's API lists and kicks a
 * device connected to node B, {@code /api/cluster} shows both members, and when B leaves a cluster
 * of expected size 3, A is in a minority partition and its readiness goes 503 (live stays UP).
 */
class AdminClusterTest {
  @TempDir static Path dir;
  static TestCluster cluster;
  static Vertx devices = Vertx.vertx();

  static TestCluster slowCluster;

  @AfterAll
  static void stop() {
    if (cluster != null) {
      await(cluster.closeAll());
    }
    if (slowCluster != null) {
      await(slowCluster.closeAll());
    }
    await(devices.close());
  }

  /** Holds a Hazelcast partition thread: the session store cannot answer meanwhile. */
  static final class Stall
      implements com.hazelcast.map.EntryProcessor<String, byte[], Object>, java.io.Serializable {
    @Override
    public Object process(java.util.Map.Entry<String, byte[]> entry) {
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }

  @Test
  void readyGoesDownWhileTheSessionStoreDoesNotAnswerInTime() throws Exception {
    slowCluster = new TestCluster(dir.resolve("slow"));
    TestNode n =
        await(
            slowCluster.start(
                0,
                1,
                slowCluster.dataDirFor(0),
                new JsonObject().put("cluster", new JsonObject().put("storeTimeoutMs", 500))));
    AdminHttp api =
        new AdminHttp(n.adminPort(), Files.readString(n.dataDir().resolve(AdminToken.FILE)).trim());
    Eventually.until(
        () -> api.get("/health/ready").status() == 200, Duration.ofSeconds(20), "ready first");
    // Stall every partition thread (Hazelcast runs max(2, cores) of them; partition p runs on
    // thread p % count) with one slow entry processor each.
    var hz = slowCluster.managers.get(0).getHazelcastInstance();
    com.hazelcast.map.IMap<String, byte[]> map =
        hz.getMap(dev.slmp.cluster.ClusterSetup.SESSIONS_MAP);
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    java.util.Set<Integer> stalled = new java.util.HashSet<>();
    for (int k = 0; stalled.size() < threads && k < 100_000; k++) {
      String key = "stall-" + k;
      int partition = hz.getPartitionService().getPartition(key).getPartitionId();
      if (partition < threads && stalled.add(partition)) {
        map.submitToKey(key, new Stall());
      }
    }
    AdminHttp.Reply r = api.get("/health/ready");
    assertEquals(503, r.status(), r.body());
    assertTrue(r.body().contains("no answer within cluster.storeTimeoutMs (500 ms)"), r.body());
    assertEquals(200, api.get("/health/live").status());
    Eventually.until(
        () -> api.get("/health/ready").status() == 200,
        Duration.ofSeconds(20),
        "ready again once the store answers");
  }

  @Test
  void listAndKickAcrossNodesThenReadyGoesDownInAMinority() throws Exception {
    cluster = new TestCluster(dir);
    TestNode a = await(cluster.start(0, 3, cluster.dataDirFor(0), new JsonObject()));
    TestNode b = await(cluster.start(1, 3, cluster.dataDirFor(1), new JsonObject()));
    AdminHttp apiA =
        new AdminHttp(a.adminPort(), Files.readString(a.dataDir().resolve(AdminToken.FILE)).trim());
    Eventually.until(
        () -> apiA.get("/health/ready").status() == 200,
        Duration.ofSeconds(20),
        () -> "A ready with 2 of 3 members: " + apiA.get("/health/ready").body());
    JsonObject c = apiA.get("/api/cluster").json();
    assertEquals(2, c.getJsonArray("members").size(), c.encode());
    assertTrue(c.getBoolean("majority"));

    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                devices, b.port(), b.derivedDevice("on-b", Suite.X25519_CHACHA20POLY1305)));
    await(d.handshake());
    Eventually.until(
        () -> apiA.get("/api/connections").body().contains("\"device\":\"on-b\""),
        Duration.ofSeconds(10),
        "B's device in A's list");
    JsonObject listed =
        apiA.get("/api/connections").json().getJsonArray("connections").getJsonObject(0);
    assertEquals(b.nodeId(), listed.getString("node"));
    AdminHttp.Reply kick = apiA.delete("/api/connections/on-b");
    assertEquals(200, kick.status(), kick.body());
    byte[] close = await(d.raw.closeFrame()).body();
    assertEquals(CloseCode.NORMAL.code(), close[0] & 0xFF);
    assertEquals(
        "closed by operator", new String(close, 1, close.length - 1, StandardCharsets.UTF_8));

    // B leaves: A alone is 1 of 3, a minority.
    var left = cluster.memberLeft(0);
    await(cluster.vertx.get(1).close());
    await(left);
    Eventually.until(
        () -> apiA.get("/health/ready").status() == 503,
        Duration.ofSeconds(20),
        "ready 503 in a minority");
    String body = apiA.get("/health/ready").body();
    assertTrue(body.contains("\"needed\":2"), body);
    assertEquals(200, apiA.get("/health/live").status());
  }
}
