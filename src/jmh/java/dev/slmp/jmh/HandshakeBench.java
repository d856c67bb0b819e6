package dev.slmp.jmh;

import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker.Authenticated;
import dev.slmp.handshake.ServerHandshaker.HelloResult;
import dev.slmp.jmh.Fixture.FullSession;
import dev.slmp.protocol.SlmpException;
import dev.slmp.session.InMemorySessionStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The server's handshake computation per suite, straight on {@link ServerHandshake} (no connection,
 * no event bus): {@code hello} is HELLO → HELLO_REPLY (validate e_c, one DH with the static key, a
 * fresh ephemeral key pair, a second DH, th1, hs, confirm); {@code helloAndAuth} adds AUTH → keys
 * (th2, open AUTH, proof check against a master-secret directory, th3, ms, traffic keys, session
 * record into an in-memory store): all the server-side handshake CPU of one full session. Every
 * measured HELLO carries a fresh device ephemeral key; AUTHs are real ones, made by {@code
 * DeviceConnection} in the set-up for the server ephemeral key the measured call will draw (see
 * {@link Fixture.PreparedRandomness}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class HandshakeBench {

  /** HELLO does not depend on the suite's cipher: one suite per group. */
  @State(Scope.Thread)
  public static class Hellos {
    @Param({"P256_AES128GCM", "X25519_CHACHA20POLY1305"})
    Suite suite;

    Fixture fx;
    ServerHandshake server;
    Pool<FullSession> pool;

    @Setup(Level.Trial)
    public void trial() {
      fx = new Fixture(suite);
      server = fx.newServer();
      pool = new Pool<>(i -> fx.helloOnly(), 8192, 0);
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      pool.beforeIteration(params);
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
      pool.afterIteration("hello " + suite);
    }
  }

  @State(Scope.Thread)
  public static class Sessions {
    @Param({"P256_FERNET", "P256_AES128GCM", "X25519_CHACHA20POLY1305"})
    Suite suite;

    Fixture fx;
    ServerHandshake prepServer;
    ServerHandshake server;
    Pool<FullSession> pool;

    @Setup(Level.Trial)
    public void trial() {
      fx = new Fixture(suite);
      prepServer = fx.newServer();
      pool = new Pool<>(i -> fx.fullSession(prepServer), 4096, 512);
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      server = fx.newServer(new InMemorySessionStore());
      pool.beforeIteration(params);
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
      pool.afterIteration("helloAndAuth " + suite);
    }
  }

  @Benchmark
  public HelloResult hello(Hellos s) throws SlmpException {
    FullSession e = s.pool.next();
    return s.server.helloNow(e.hello(), e.serverRandomness());
  }

  @Benchmark
  public Authenticated helloAndAuth(Sessions s) throws SlmpException {
    FullSession e = s.pool.next();
    HelloResult r = s.server.helloNow(e.hello(), e.serverRandomness());
    Authenticated a = s.server.auth(r.state(), e.auth()).toCompletableFuture().join();
    if (a.lifetime() == 0) {
      throw new IllegalStateException("the session store refused the session");
    }
    return a;
  }
}
