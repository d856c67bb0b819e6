package dev.slmp.bench;

import dev.slmp.client.SlmpClient;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.session.DeviceTicket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SLMP workloads, as devices would run them, with the Java client library ({@link SlmpClient}).
 */
final class SlmpLoads {
  static final String TOPIC = "";
  static final long TIMEOUT_MS = 15_000;

  /** DATA without ACK kept in flight (not yet written to the socket) per connection. */
  static final int NOACK_WINDOW = 16;

  private SlmpLoads() {}

  /**
   * Device credentials as the server derives them: registry-free, from the master secret (spec 4).
   */
  record Fleet(
      Vertx vertx,
      NetClient net,
      NetClient bounded,
      int port,
      byte[] master,
      byte[] p256,
      byte[] x25519) {
    /**
     * Send buffer of the connections that send without ACK: bounds what waits in the kernel at a
     * round's end.
     */
    static final int NOACK_SEND_BUFFER = 64 * 1024;

    static Fleet of(Vertx vertx, DataDirectory data, int port) {
      NetClientOptions o =
          new NetClientOptions().setConnectTimeout((int) TIMEOUT_MS).setTcpNoDelay(true);
      return new Fleet(
          vertx,
          vertx.createNetClient(o),
          vertx.createNetClient(new NetClientOptions(o).setSendBufferSize(NOACK_SEND_BUFFER)),
          port,
          data.masterSecret(),
          data.p256().publicKey(),
          data.x25519().publicKey());
    }

    Future<SlmpClient> connectBounded(SlmpClient.Options o) {
      return SlmpClient.connect(vertx, bounded, o, null);
    }

    void close() {
      net.close();
      bounded.close();
    }

    SlmpClient.Options options(String deviceId, Suite suite) {
      return options(deviceId, suite, port);
    }

    SlmpClient.Options options(String deviceId, Suite suite, int toPort) {
      byte[] key = KeySchedule.deviceKey(master, deviceId.getBytes(StandardCharsets.UTF_8));
      byte[] server = suite.group() == DhGroup.p256() ? p256 : x25519;
      return new SlmpClient.Options(
          "127.0.0.1",
          toPort,
          new DeviceIdentity(deviceId, key, suite, server),
          SlmpClient.Options.DEFAULT_MAX_BODY,
          TIMEOUT_MS);
    }

    Future<SlmpClient> connect(SlmpClient.Options o, DeviceTicket ticket) {
      return SlmpClient.connect(vertx, net, o, ticket);
    }
  }

  static byte[] payload() {
    byte[] p = new byte[64];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) ('a' + i % 26);
    }
    return p;
  }

  /**
   * One sleepy session: connect (full handshake, or RESUME with {@code ticket}), one 64-byte DATA
   * with ACK_REQUESTED sent at once (pipelined behind AUTH, or 0-RTT behind RESUME), ACK ACCEPTED,
   * CLOSE. The future gives the latency from connect to ACK, in ns, once the connection is closed.
   */
  static Future<Long> session(Fleet f, SlmpClient.Options o, DeviceTicket ticket, byte[] payload) {
    long t0 = System.nanoTime();
    return f.connect(o, ticket)
        .compose(
            c ->
                c.sendWithAck(TOPIC, payload)
                    .transform(
                        ar -> {
                          long latency = System.nanoTime() - t0;
                          return c.close()
                              .transform(
                                  x ->
                                      ar.succeeded() && ar.result() == AckStatus.ACCEPTED
                                          ? Future.succeededFuture(latency)
                                          : Future.failedFuture(
                                              ar.failed()
                                                  ? ar.cause()
                                                  : new IllegalStateException(
                                                      "ACK " + ar.result())));
                        }));
  }

  /** Full handshake, then close: the session ticket a resuming device keeps. */
  static Future<DeviceTicket> ticket(Fleet f, SlmpClient.Options o) {
    return f.connect(o, null)
        .compose(
            c ->
                c.established()
                    .transform(
                        ar ->
                            c.close()
                                .transform(
                                    x ->
                                        ar.succeeded() && ar.result() != null
                                            ? Future.succeededFuture(ar.result())
                                            : Future.failedFuture(
                                                ar.failed()
                                                    ? ar.cause()
                                                    : new IllegalStateException(
                                                        "the server keeps no session")))));
  }

  /** Sleepy devices, full handshakes or resumptions: N devices, each one session after another. */
  static final class Sleepy implements Workload {
    private final Fleet fleet;
    private final Suite suite;
    private final boolean resumed;
    private final int devices;
    private final byte[] payload = payload();
    private final List<SlmpClient.Options> options = new ArrayList<>();
    private final int[] ports;
    private final List<SlmpClient.Options[]> rotation = new ArrayList<>();
    private int[] turns;
    private DeviceTicket[] tickets;
    private List<Context> contexts;

    Sleepy(Fleet fleet, Suite suite, boolean resumed, int devices) {
      this(fleet, suite, resumed, devices, null);
    }

    /**
     * With {@code ports} (the nodes of a cluster), each device's sessions go to one node after the
     * other, so a resumption lands on another node than the session's previous one.
     */
    Sleepy(Fleet fleet, Suite suite, boolean resumed, int devices, int[] ports) {
      this.fleet = fleet;
      this.suite = suite;
      this.resumed = resumed;
      this.devices = devices;
      this.ports = ports;
    }

    @Override
    public String unit() {
      return "sessions/s";
    }

    @Override
    public void prepare() throws Exception {
      for (int i = 0; i < devices; i++) {
        String id = "sleepy-" + (resumed ? "r" : "f") + suite.id() + "-" + i;
        options.add(fleet.options(id, suite));
        if (ports != null) {
          SlmpClient.Options[] byNode = new SlmpClient.Options[ports.length];
          for (int k = 0; k < ports.length; k++) {
            byNode[k] = fleet.options(id, suite, ports[k]);
          }
          rotation.add(byNode);
        }
      }
      turns = new int[devices];
      contexts = ClosedLoop.contexts(fleet.vertx(), devices);
      if (resumed) {
        // The pool: one session per device, whose counter advances with every RESUME (stored before
        // sending).
        tickets =
            ClosedLoop.bounded(devices, devices, 0, i -> ticket(fleet, options.get(i)))
                .toArray(new DeviceTicket[0]);
      }
    }

    @Override
    public Outcome run(long durationNanos) throws Exception {
      return ClosedLoop.run(
          contexts,
          durationNanos,
          w -> {
            DeviceTicket t = null;
            if (resumed) {
              t = tickets[w].nextCounter();
              tickets[w] = t;
            }
            SlmpClient.Options o =
                ports == null ? options.get(w) : rotation.get(w)[turns[w]++ % ports.length];
            return session(fleet, o, t, payload);
          });
    }
  }

  /**
   * Persistent connections sending 64-byte DATA: with ACK (one in flight per connection), or
   * without.
   */
  static final class Steady implements Workload {
    private final Fleet fleet;
    private final Suite suite;
    private final boolean ack;
    private final int connections;
    private final String prefix;
    private final byte[] payload = payload();
    private List<Context> contexts;
    private List<SlmpClient> clients;

    Steady(Fleet fleet, Suite suite, boolean ack, int connections, String prefix) {
      this.fleet = fleet;
      this.suite = suite;
      this.ack = ack;
      this.connections = connections;
      this.prefix = prefix;
    }

    @Override
    public String unit() {
      return "msgs/s";
    }

    @Override
    public void prepare() throws Exception {
      contexts = ClosedLoop.contexts(fleet.vertx(), connections);
      clients =
          ClosedLoop.bounded(
              connections,
              32,
              0,
              i ->
                  onContext(
                      contexts.get(i),
                      () ->
                          (ack
                                  ? fleet.connect(
                                      fleet.options(prefix + suite.id() + "-" + i, suite), null)
                                  : fleet.connectBounded(
                                      fleet.options(prefix + suite.id() + "-" + i, suite)))
                              .compose(c -> c.established().map(t -> c))));
    }

    @Override
    public Outcome run(long durationNanos) throws Exception {
      if (ack) {
        return ClosedLoop.run(
            contexts,
            durationNanos,
            w -> {
              long t0 = System.nanoTime();
              return clients
                  .get(w)
                  .sendWithAck(TOPIC, payload)
                  .map(
                      s -> {
                        if (s != AckStatus.ACCEPTED) {
                          throw new IllegalStateException("ACK " + s);
                        }
                        return System.nanoTime() - t0;
                      });
            });
      }
      return runWithoutAck(durationNanos);
    }

    /**
     * DATA without ACK_REQUESTED, {@link #NOACK_WINDOW} unwritten at most per connection; at the
     * deadline one DATA with ACK per connection marks the end: the server handles a connection's
     * frames in order, so its ACK means everything sent before was received. The round lasts until
     * the last of those ACKs.
     */
    private Outcome runWithoutAck(long durationNanos) throws InterruptedException {
      AtomicLong sent = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicLong lastEnd = new AtomicLong();
      AtomicReference<String> firstError = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(connections);
      long start = System.nanoTime();
      long deadline = start + durationNanos;
      for (int w = 0; w < connections; w++) {
        SlmpClient c = clients.get(w);
        int[] inFlight = {0};
        boolean[] marked = {false};
        boolean[] pumping = {false};
        Runnable[] pump = new Runnable[1];
        pump[0] =
            () -> {
              if (pumping[0]) {
                return; // a write that completed at once: the loop below goes on
              }
              pumping[0] = true;
              try {
                while (System.nanoTime() - deadline < 0 && inFlight[0] < NOACK_WINDOW) {
                  inFlight[0]++;
                  sent.incrementAndGet();
                  c.send(TOPIC, payload)
                      .onComplete(
                          ar -> {
                            inFlight[0]--;
                            if (ar.failed()) {
                              errors.incrementAndGet();
                              firstError.compareAndSet(null, String.valueOf(ar.cause()));
                            }
                            pump[0].run();
                          });
                }
              } finally {
                pumping[0] = false;
              }
              if (System.nanoTime() - deadline >= 0 && inFlight[0] == 0 && !marked[0]) {
                marked[0] = true;
                c.sendWithAck(TOPIC, payload)
                    .onComplete(
                        ar -> {
                          lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                          if (ar.succeeded() && ar.result() == AckStatus.ACCEPTED) {
                            sent.incrementAndGet();
                          } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(
                                null,
                                ar.failed() ? String.valueOf(ar.cause()) : "ACK " + ar.result());
                          }
                          done.countDown();
                        });
              }
            };
        contexts.get(w).runOnContext(v -> pump[0].run());
      }
      if (!done.await(durationNanos + ClosedLoop.GRACE_NANOS, TimeUnit.NANOSECONDS)) {
        errors.addAndGet(done.getCount());
        firstError.compareAndSet(
            null, done.getCount() + " connections never acknowledged the end marker");
      }
      return new Outcome(
          sent.get(), lastEnd.get() - start, errors.get(), new long[0], firstError.get());
    }

    @Override
    public void close() throws Exception {
      if (clients != null) {
        ClosedLoop.bounded(
            clients.size(),
            64,
            clients.size(),
            i -> clients.get(i) == null ? Future.succeededFuture() : clients.get(i).close());
      }
    }
  }

  /** Runs {@code action} on {@code ctx}, so the connection it opens belongs to that context. */
  static <T> Future<T> onContext(Context ctx, java.util.function.Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }
}
