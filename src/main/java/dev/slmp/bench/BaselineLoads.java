package dev.slmp.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline workloads, TLS 1.3 or plain TCP, over Vert.x NetClient: a 64-byte message answered
 * by a 1-byte acknowledgement ({@link BaselineServer}).
 */
final class BaselineLoads {
  static final long TIMEOUT_MS = 15_000;

  private BaselineLoads() {}

  /**
   * Where the baseline runs: its client (TLS: full handshakes or resuming, per {@link
   * TlsSetup#clientOptions}) and the trust manager counting certificate checks (null for TCP).
   */
  record Target(
      Vertx vertx,
      NetClient client,
      int port,
      TlsSetup.CountingTrustManager trust,
      ServerProcess server) {
    long checks() {
      return trust == null ? 0 : trust.checks.get();
    }
  }

  static Buffer message() {
    return Buffer.buffer(SlmpLoads.payload());
  }

  /**
   * One sleepy session: connect (TCP, or TCP + TLS handshake), 64 bytes, wait for the 1-byte
   * acknowledgement, close. The future gives the latency from connect to acknowledgement in ns,
   * once the socket is closed.
   */
  static Future<Long> session(Target t, int port) {
    long t0 = System.nanoTime();
    return t.client()
        .connect(port, "127.0.0.1")
        .compose(
            sock -> {
              Promise<Long> ack = Promise.promise();
              sock.handler(b -> ack.tryComplete(System.nanoTime() - t0));
              sock.exceptionHandler(ack::tryFail);
              sock.closeHandler(
                  v -> ack.tryFail(new IllegalStateException("closed before the acknowledgement")));
              sock.write(message());
              return ClosedLoop.within(t.vertx(), ack, TIMEOUT_MS, "acknowledgement")
                  .transform(
                      ar ->
                          sock.close()
                              .transform(
                                  x ->
                                      ar.succeeded()
                                          ? Future.succeededFuture(ar.result())
                                          : Future.failedFuture(ar.cause())));
            });
  }

  /**
   * Sleepy devices: N concurrent, each one session after another. Resuming TLS devices each have
   * their own client (their own JDK session cache), as real devices do: a JDK client caches one
   * session per host and port and uses a TLS 1.3 ticket only once, so devices sharing one client
   * would mostly do full handshakes.
   */
  static final class Sleepy implements Workload {
    private final List<Target> targets;
    private final int devices;
    private final boolean resumed;
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong fullHandshakes = new AtomicLong();
    private List<Context> contexts;

    /** {@code targets}: one shared by all devices, or one per device. */
    Sleepy(List<Target> targets, int devices, boolean resumed) {
      this.targets = targets;
      this.devices = devices;
      this.resumed = resumed;
    }

    private Target target(int device) {
      return targets.get(device % targets.size());
    }

    private long checks() {
      return targets.stream()
          .map(Target::trust)
          .filter(java.util.Objects::nonNull)
          .distinct()
          .mapToLong(t -> t.checks.get())
          .sum();
    }

    @Override
    public String unit() {
      return "sessions/s";
    }

    @Override
    public void prepare() throws Exception {
      contexts = ClosedLoop.contexts(targets.get(0).vertx(), devices);
      if (resumed) {
        for (Target t : targets) {
          session(t, t.port())
              .toCompletionStage()
              .toCompletableFuture()
              .get(); // each device's first ticket
        }
      }
    }

    @Override
    public Outcome run(long durationNanos) throws Exception {
      long checks = checks();
      Outcome o =
          ClosedLoop.run(contexts, durationNanos, w -> session(target(w), target(w).port()));
      sessions.addAndGet(o.ops());
      fullHandshakes.addAndGet(checks() - checks);
      return o;
    }

    /** Counted over warm-up and rounds: certificate checks happen only in full handshakes. */
    @Override
    public Map<String, Object> notes() {
      Map<String, Object> n = new LinkedHashMap<>();
      if (targets.get(0).trust() != null && sessions.get() > 0) {
        long resumedSessions = Math.max(0, sessions.get() - fullHandshakes.get());
        n.put("sessions", sessions.get());
        n.put("fullHandshakes", fullHandshakes.get());
        n.put("resumedShare", Math.round(1000.0 * resumedSessions / sessions.get()) / 10.0 + "%");
      }
      return n;
    }

    long sessions() {
      return sessions.get();
    }

    long fullHandshakes() {
      return fullHandshakes.get();
    }
  }

  /** Persistent connections, each: 64 bytes, wait for the 1-byte acknowledgement, again. */
  static final class Steady implements Workload {
    private final Target target;
    private final int connections;
    private List<Context> contexts;
    private List<Conn> conns;

    Steady(Target target, int connections) {
      this.target = target;
      this.connections = connections;
    }

    /** One connection's state; touched only on its context. */
    private static final class Conn {
      final NetSocket socket;
      Promise<Long> pending;
      long sentAt;

      Conn(NetSocket socket) {
        this.socket = socket;
        socket.handler(
            b -> {
              for (int i = 0; i < b.length(); i++) {
                Promise<Long> p = pending;
                pending = null;
                if (p != null) {
                  p.complete(System.nanoTime() - sentAt);
                }
              }
            });
        socket.closeHandler(
            v -> {
              Promise<Long> p = pending;
              if (p != null) {
                p.tryFail(new IllegalStateException("connection closed"));
              }
            });
      }

      Future<Long> exchange() {
        sentAt = System.nanoTime();
        pending = Promise.promise();
        Future<Long> f = pending.future();
        socket.write(message());
        return f;
      }
    }

    @Override
    public String unit() {
      return "msgs/s";
    }

    @Override
    public void prepare() throws Exception {
      contexts = ClosedLoop.contexts(target.vertx(), connections);
      conns =
          ClosedLoop.bounded(
              connections,
              32,
              0,
              i ->
                  SlmpLoads.onContext(
                      contexts.get(i),
                      () -> target.client().connect(target.port(), "127.0.0.1").map(Conn::new)));
    }

    @Override
    public Outcome run(long durationNanos) throws Exception {
      return ClosedLoop.run(contexts, durationNanos, w -> conns.get(w).exchange());
    }

    @Override
    public void close() throws Exception {
      if (conns != null) {
        ClosedLoop.bounded(
            conns.size(),
            64,
            conns.size(),
            i -> conns.get(i) == null ? Future.succeededFuture() : conns.get(i).socket.close());
      }
    }
  }
}
