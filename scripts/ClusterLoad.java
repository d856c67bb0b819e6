// A load for a running local cluster (scripts/cluster-up.sh N): full handshakes per second, spread
// over the nodes (each AUTH goes to any node's auth verticle over the event bus), then DATA with ACK
// per second from devices spread over the nodes. Run with the fat jar on the class path:
//   java -cp target/slmp-fat.jar scripts/ClusterLoad.java SECRETS_DIR SECONDS PORT...
import dev.slmp.client.SlmpClient;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.KeySchedule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

public class ClusterLoad {
  static DataDirectory data;
  static int[] ports;
  static volatile long until;
  static final int CONC = Integer.parseInt(System.getenv().getOrDefault("CONC", "24"));

  static DeviceIdentity device(String id) {
    byte[] key = KeySchedule.deviceKey(data.masterSecret(), id.getBytes(StandardCharsets.UTF_8));
    return new DeviceIdentity(id, key, Suite.X25519_CHACHA20POLY1305, data.x25519().publicKey());
  }

  static void handshakes(Vertx vertx, NetClient net, int loop, int n, AtomicLong done, AtomicLong failed) {
    if (System.nanoTime() > until) return;
    int port = ports[n % ports.length];
    SlmpClient.connect(vertx, net, SlmpClient.Options.of("127.0.0.1", port, device("load-" + loop)), null)
        .compose(c -> c.established().eventually(c::close))
        .onComplete(ar -> {
          (ar.succeeded() ? done : failed).incrementAndGet();
          handshakes(vertx, net, loop, n + 1, done, failed);
        });
  }

  static void messages(SlmpClient c, byte[] payload, AtomicLong done, AtomicLong failed) {
    if (System.nanoTime() > until) { c.close(); return; }
    c.sendWithAck("load", payload).onComplete(ar -> {
      (ar.succeeded() && ar.result() == AckStatus.ACCEPTED ? done : failed).incrementAndGet();
      messages(c, payload, done, failed);
    });
  }

  public static void main(String[] args) throws Exception {
    data = DataDirectory.open(Path.of(args[0]));
    long seconds = Long.parseLong(args[1]);
    ports = new int[args.length - 2];
    for (int i = 2; i < args.length; i++) ports[i - 2] = Integer.parseInt(args[i]);
    Vertx vertx = Vertx.vertx();
    NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    for (String phase : new String[] {"warmup", "measure"}) {
      AtomicLong done = new AtomicLong(), failed = new AtomicLong();
      long t0 = System.nanoTime();
      until = t0 + seconds * 1_000_000_000L / (phase.equals("warmup") ? 2 : 1);
      for (int loop = 0; loop < CONC; loop++) handshakes(vertx, net, loop, loop, done, failed);
      while (System.nanoTime() < until + 3_000_000_000L && done.get() + failed.get() < 1) Thread.sleep(100);
      Thread.sleep((until - System.nanoTime()) / 1_000_000 + 1500);
      double s = (until - t0) / 1e9;
      if (phase.equals("measure")) System.out.printf("full handshakes: %.0f/s (%d ok, %d failed, %.1f s, %d concurrent, %d nodes)%n", done.get() / s, done.get(), failed.get(), s, CONC, ports.length);
    }
    byte[] payload = new byte[64];
    for (String phase : new String[] {"warmup", "measure"}) {
      AtomicLong done = new AtomicLong(), failed = new AtomicLong();
      java.util.List<SlmpClient> clients = new java.util.ArrayList<>();
      for (int i = 0; i < 48; i++) {
        SlmpClient c = SlmpClient.connect(vertx, net, SlmpClient.Options.of("127.0.0.1", ports[i % ports.length], device("msg-" + i)), null)
            .toCompletionStage().toCompletableFuture().get();
        c.established().toCompletionStage().toCompletableFuture().get();
        clients.add(c);
      }
      long t0 = System.nanoTime();
      until = t0 + seconds * 1_000_000_000L / (phase.equals("warmup") ? 2 : 1);
      for (SlmpClient c : clients) messages(c, payload, done, failed);
      Thread.sleep((until - System.nanoTime()) / 1_000_000 + 1500);
      double s = (until - t0) / 1e9;
      if (phase.equals("measure")) System.out.printf("DATA with ACK: %.0f/s (%d ACCEPTED, %d not, %.1f s, 48 devices one in flight each)%n", done.get() / s, done.get(), failed.get(), s);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
