package dev.slmp.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.slmp.cluster.ClusterSeal;
import dev.slmp.cluster.ClusterSetup;
import dev.slmp.cluster.HazelcastSessionStore;
import dev.slmp.crypto.Suite;
import dev.slmp.session.InMemorySessionStore;
import dev.slmp.session.SessionRecord;
import dev.slmp.session.SessionStore;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench store-probe --store memory|hazelcast --sessions N}: memory per stored session, in
 * its own JVM. Fills the standalone store ({@link InMemorySessionStore}) or the cluster's ({@link
 * HazelcastSessionStore} on one Hazelcast member, the node's map configuration, values sealed under
 * a cluster key) with N sessions of N devices (16-byte id, 32-byte rs, device ids like {@code
 * device-000123}), and prints the heap after GC before and after, per session. One member holds no
 * backup: in a cluster each member holds its share twice (owner + one synchronous backup).
 */
final class StoreProbe {
  private StoreProbe() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    String kind = BenchOptions.value(args, "--store", "memory");
    int n = Integer.parseInt(BenchOptions.value(args, "--sessions", "1000000"));
    if (!kind.equals("memory") && !kind.equals("hazelcast")) {
      err.println("usage: bench store-probe --store memory|hazelcast [--sessions N]");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    HazelcastInstance hz = null;
    try {
      long now = System.currentTimeMillis() / 1000;
      SessionStore store;
      if (kind.equals("memory")) {
        store = new InMemorySessionStore(() -> now, Math.max(n, 1));
      } else {
        Config cfg =
            ClusterSetup.withSessionBound(
                ClusterSetup.withMajority(ClusterSetup.loadConfig(), 1), Math.max(n, 1) * 2);
        cfg.setClusterName("slmp-store-probe-" + UUID.randomUUID());
        cfg.getNetworkConfig().setPort(5951).setPortAutoIncrement(true).setPortCount(40);
        cfg.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        cfg.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
        cfg.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        hz = Hazelcast.newHazelcastInstance(cfg);
        byte[] clusterKey = new byte[32];
        new SecureRandom().nextBytes(clusterKey);
        store =
            new HazelcastSessionStore(
                vertx,
                hz.getMap(ClusterSetup.SESSIONS_MAP),
                hz.getMap(ClusterSetup.SESSIONS_BY_DEVICE_MAP),
                ClusterSeal.register(hz, clusterKey),
                30_000,
                () -> now);
        // One session first: the maps, their partitions and record stores exist before "before".
        await(store.put(record(-1, now)));
      }
      long before = ChildControl.heapAfterGc();
      long t0 = System.nanoTime();
      fill(store, n, now);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long after = ChildControl.heapAfterGc();
      // Still there: every session can be read back (a sample).
      for (int i = 0; i < n; i += Math.max(1, n / 100)) {
        if (await(store.get(record(i, now).sessionId())) == null) {
          err.println("error: session " + i + " is missing");
          return 1;
        }
      }
      ChildControl.reply(
          out,
          "store kind="
              + kind
              + " sessions="
              + n
              + " heapBefore="
              + before
              + " heapAfter="
              + after
              + " bytesPerSession="
              + Math.round((after - before) / (double) n)
              + " putsPerSecond="
              + Math.round(n / seconds));
      return 0;
    } finally {
      if (hz != null) {
        hz.shutdown();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** Session {@code i}: a deterministic id (so it can be read back), a random rs. */
  static SessionRecord record(int i, long now) {
    byte[] id = new byte[16];
    long x = 0x9E3779B97F4A7C15L * (i + 2L);
    for (int k = 0; k < 16; k++) {
      id[k] = (byte) (x >>> (8 * (k % 8)) ^ k * 31 ^ i >>> 24);
    }
    id[0] = (byte) i;
    id[1] = (byte) (i >>> 8);
    id[2] = (byte) (i >>> 16);
    id[3] = (byte) (i >>> 24);
    byte[] rs = new byte[32];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(rs);
    return new SessionRecord(
        id, String.format("device-%06d", i), Suite.X25519_CHACHA20POLY1305, rs, now + 86_400, 0);
  }

  private static void fill(SessionStore store, int n, long now) throws Exception {
    Semaphore inFlight = new Semaphore(512);
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> first = new AtomicReference<>();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      store
          .put(record(i, now))
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                  first.compareAndSet(null, e);
                }
                inFlight.release();
              });
    }
    inFlight.acquire(512);
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " puts failed", first.get());
    }
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
    return CompletableFuture.completedFuture(null)
        .thenCompose(x -> s)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }
}
