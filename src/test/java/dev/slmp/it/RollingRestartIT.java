package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.client.SlmpClient;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's rolling restart: three clustered node processes ({@code java -jar}, real Hazelcast,
 * event-bus mutual TLS as {@code scripts/cluster-up.sh} sets up) under QoS1 load (devices send with
 * ACK and resend what was not ACCEPTED, on another node after a CLOSE), each node stopped with
 * SIGTERM and started again, one at a time. Every message a device was told ACCEPTED is in some
 * node's inbox file, each SIGTERM ended with CLOSE(NORMAL, "server shutting down") to the devices
 * and a flushed inbox within {@code shutdownTimeoutMs}, and devices resumed their sessions on the
 * other nodes.
 */
class RollingRestartIT {
  private static final int NODES = 3;
  private static final int DEVICES = 6;
  private static final long SHUTDOWN_TIMEOUT_MS = 10_000;
  private static final Suite SUITE = Suite.X25519_CHACHA20POLY1305;
  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final int[] ports = new int[NODES];
  private final Path[] dirs = new Path[NODES];
  private final JarProcess[] nodes = new JarProcess[NODES];
  private Map<String, String> env;
  private Path work;

  @Test
  void restartingEachNodeUnderQos1LoadLosesNoAcceptedMessage(@TempDir Path work) throws Exception {
    this.work = work;
    JarProcess.jar();
    TestCluster dirsOnly = new TestCluster(work);
    env = Map.of("JAVA_TOOL_OPTIONS", "-Dvertx.hazelcast.config=" + hazelcastConfig(work));
    for (int i = 0; i < NODES; i++) {
      dirs[i] = dirsOnly.dataDirFor(i);
      ports[i] = TestNode.freePort();
    }
    DataDirectory secrets = DataDirectory.open(dirs[0]);
    Vertx vertx = Vertx.vertx();
    Map<String, Boolean> accepted = new ConcurrentHashMap<>();
    AtomicInteger resumed = new AtomicInteger();
    AtomicInteger shutdownCloses = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> devices = new ArrayList<>();
    try {
      // The first three start at once (their joins overlap); the restarts below are one at a time.
      for (int i = 0; i < NODES; i++) {
        spawn(i);
      }
      for (int i = 0; i < NODES; i++) {
        awaitListening(i);
      }
      nodes[NODES - 1].await("Members {size:3", STARTUP);
      for (int d = 0; d < DEVICES; d++) {
        String id = "load-" + d;
        byte[] key =
            KeySchedule.deviceKey(secrets.masterSecret(), id.getBytes(StandardCharsets.UTF_8));
        DeviceIdentity identity = new DeviceIdentity(id, key, SUITE, secrets.x25519().publicKey());
        int first = d % NODES;
        Thread t =
            new Thread(
                () -> device(vertx, identity, first, stop, accepted, resumed, shutdownCloses), id);
        t.start();
        devices.add(t);
      }
      awaitMoreAccepted(accepted, DEVICES * 5);
      for (int i = 0; i < NODES; i++) {
        // SIGTERM; the node drains and leaves within shutdownTimeoutMs.
        long t0 = System.nanoTime();
        nodes[i].process.destroy();
        assertTrue(
            nodes[i].process.waitFor(SHUTDOWN_TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS),
            "node " + i + " exited after SIGTERM:\n" + nodes[i].output());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String out = nodes[i].output();
        assertTrue(out.contains("readiness DOWN"), out);
        assertTrue(out.contains("inbox flushed; leaving the cluster"), out);
        assertTrue(ms < SHUTDOWN_TIMEOUT_MS + 3000, "exited " + ms + " ms after SIGTERM");
        awaitMoreAccepted(accepted, accepted.size() + DEVICES * 2); // the others carry the load
        start(i);
        nodes[i].await("Members {size:3", STARTUP);
        awaitMoreAccepted(accepted, accepted.size() + DEVICES * 2);
      }
    } finally {
      stop.set(true);
      for (Thread t : devices) {
        t.join(20_000);
      }
      for (JarProcess n : nodes) {
        if (n != null) {
          n.stop();
        }
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Set<String> stored = new HashSet<>();
    for (Path d : dirs) {
      Path inbox = d.resolve("inbox.jsonl");
      if (Files.exists(inbox)) {
        for (String line : Files.readAllLines(inbox)) {
          JsonObject m = new JsonObject(line);
          stored.add(
              m.getString("device")
                  + "|"
                  + new String(
                      Base64.getDecoder().decode(m.getString("payload")), StandardCharsets.UTF_8));
        }
      }
    }
    System.out.printf(
        "rolling restart: %d ACCEPTED, %d in inboxes, %d resumptions, %d shutdown CLOSEs%n",
        accepted.size(), stored.size(), resumed.get(), shutdownCloses.get());
    List<String> lost = accepted.keySet().stream().filter(k -> !stored.contains(k)).toList();
    assertEquals(List.of(), lost, "ACCEPTED but in no inbox (of " + accepted.size() + ")");
    assertTrue(accepted.size() >= DEVICES * 20, "load ran: " + accepted.size() + " accepted");
    assertTrue(shutdownCloses.get() > 0, "devices were told CLOSE(NORMAL, server shutting down)");
    assertTrue(resumed.get() > 0, "devices resumed their sessions on other nodes");
  }

  private void start(int i) throws Exception {
    spawn(i);
    awaitListening(i);
  }

  private void awaitListening(int i) throws Exception {
    // A clustered JVM's start takes long on a loaded 2-core machine (Hazelcast, then TLS).
    nodes[i].await("listening on 127.0.0.1:" + ports[i], STARTUP);
  }

  private void spawn(int i) throws Exception {
    JsonObject conf =
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", ports[i])
            .put("dataDir", dirs[i].toString())
            .put("shutdownTimeoutMs", SHUTDOWN_TIMEOUT_MS)
            .put("cluster", new JsonObject().put("expectedSize", NODES));
    nodes[i] =
        JarProcess.start(
            work, env, "-cluster", "-cluster-host", "127.0.0.1", "-conf", conf.encode());
  }

  /**
   * One device: sends numbered messages with ACK, one at a time; anything but ACCEPTED (or a lost
   * connection) is sent again, on the next node, resuming its session when it can.
   */
  private void device(
      Vertx vertx,
      DeviceIdentity identity,
      int firstNode,
      AtomicBoolean stop,
      Map<String, Boolean> accepted,
      AtomicInteger resumed,
      AtomicInteger shutdownCloses) {
    int node = firstNode;
    DeviceTicket ticket = null;
    int k = 0;
    while (!stop.get()) {
      SlmpClient c;
      try {
        DeviceTicket resume = ticket == null ? null : ticket.nextCounter();
        SlmpClient.Options o =
            SlmpClient.Options.of("127.0.0.1", ports[node], identity).withTimeout(5000);
        c = get(SlmpClient.connect(vertx, o, resume));
        ticket = get(c.established());
        if (resume != null) {
          resumed.incrementAndGet();
        }
      } catch (Exception e) {
        ticket = null; // refused or node down: a full handshake on the next node
        node = (node + 1) % NODES;
        pause();
        continue;
      }
      SlmpClient client = c;
      client
          .closed()
          .onSuccess(
              why -> {
                if ("server shutting down".equals(why.reason())) {
                  shutdownCloses.incrementAndGet();
                }
              });
      while (!stop.get()) {
        String payload = identity.deviceId() + "-" + k;
        AckStatus status;
        try {
          status = get(client.sendWithAck("load", payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
          break;
        }
        if (status != AckStatus.ACCEPTED) {
          break;
        }
        accepted.put(identity.deviceId() + "|" + payload, true);
        k++;
      }
      client.close();
      node = (node + 1) % NODES;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50); // a device's back-off before it tries the next node
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void awaitMoreAccepted(Map<String, Boolean> accepted, int atLeast) {
    Eventually.until(
        () -> accepted.size() >= atLeast,
        Duration.ofSeconds(30),
        () -> "at least " + atLeast + " accepted, have " + accepted.size());
  }

  private static String members(int base, int count) {
    StringBuilder b = new StringBuilder();
    for (int p = base; p < base + count; p++) {
      b.append("<member>127.0.0.1:").append(p).append("</member>");
    }
    return b.toString();
  }

  /**
   * The jar's cluster.xml with a cluster name and member ports of this test's own, so that it never
   * joins another cluster on this machine.
   */
  private static Path hazelcastConfig(Path work) throws Exception {
    String xml = Files.readString(Path.of("cluster/cluster.xml"));
    int base = 20000 + (int) (Math.random() * 20000);
    xml =
        xml.replace(
                "<cluster-name>slmp</cluster-name>",
                "<cluster-name>it-" + UUID.randomUUID() + "</cluster-name>")
            .replace(
                "<port auto-increment=\"true\" port-count=\"20\">5701</port>",
                "<port auto-increment=\"true\" port-count=\"10\">" + base + "</port>")
            .replace("<member>127.0.0.1</member>", members(base, 10))
            .replace(
                "<property name=\"hazelcast.wait.seconds.before.join\">1</property>",
                "<property name=\"hazelcast.wait.seconds.before.join\">0</property>");
    Path file = work.resolve("hazelcast-it.xml");
    Files.writeString(file, xml);
    return file;
  }
}
