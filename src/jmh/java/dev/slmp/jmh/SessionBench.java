package dev.slmp.jmh;

import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.jmh.Fixture.FullSession;
import dev.slmp.jmh.Fixture.ServerSide;
import dev.slmp.session.DeviceTicket;
import dev.slmp.session.InMemorySessionStore;
import java.util.ArrayList;
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
 * One sleepy session's server CPU without I/O: a new {@link ServerConnection} (inline record
 * crypto, handshake in place) is fed the device's bytes as they arrive on the wire, and answers
 * every DATA with ACK ACCEPTED. {@code full}: HELLO; AUTH + one 64-byte DATA (ACK_REQUESTED) in one
 * segment; CLOSE. {@code resumed}: RESUME + one 64-byte EARLY DATA (ACK_REQUESTED) in one segment;
 * CLOSE. Compare with TLS 1.3's 1,041 µs (full) and 478 µs (resumed) of server CPU per sleepy
 * session in performance-facts.md, which also include the I/O.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class SessionBench {

  @State(Scope.Thread)
  public static class Full {
    @Param({"P256_FERNET", "P256_AES128GCM", "X25519_CHACHA20POLY1305"})
    Suite suite;

    Fixture fx;
    ServerHandshake prepServer;
    ServerHandshake server;
    Pool<FullSession> pool;
    final ServerSide out = new ServerSide();

    @Setup(Level.Trial)
    public void trial() {
      fx = new Fixture(suite);
      prepServer = fx.newServer();
      pool = new Pool<>(i -> fx.fullSession(prepServer), 4096, 512);
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      server = fx.newServer(new InMemorySessionStore());
      out.reset();
      pool.beforeIteration(params);
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
      out.check("full " + suite, pool.used(), pool.used());
      pool.afterIteration("full " + suite);
    }
  }

  @State(Scope.Thread)
  public static class Resumed {
    @Param({"P256_FERNET", "P256_AES128GCM", "X25519_CHACHA20POLY1305"})
    Suite suite;

    Fixture fx;
    ServerHandshake server;
    DeviceTicket ticket;
    Pool<byte[]> pool;
    final ServerSide out = new ServerSide();

    @Setup(Level.Trial)
    public void trial() {
      fx = new Fixture(suite);
      server = fx.newServer(new InMemorySessionStore());
      // One real full handshake leaves the session in the server's store and the ticket with the
      // device.
      Fixture.DeviceOut[] device = new Fixture.DeviceOut[1];
      FullSession e =
          fx.fullSession(server, Randomness.secure().ephemeralPrivate(suite.group()), device);
      ServerSide first = new ServerSide();
      first.captured = new ArrayList<>();
      ServerConnection c = new ServerConnection(server, fx.settings, e.serverRandomness(), first);
      first.connection = c;
      c.receive(e.hello());
      c.receive(e.authAndData());
      first.check("first full handshake", 1, 1);
      for (byte[] b :
          first.captured.subList(1, first.captured.size())) { // after HELLO_REPLY: WELCOME, ACK
        device[0].connection.receive(b);
      }
      if (!device[0].connection.isEstablished() || device[0].ticket == null) {
        throw new IllegalStateException("device did not get a ticket");
      }
      ticket = device[0].ticket;
      // Resume counters strictly grow in the order the RESUMEs are used (the pool's serial order).
      pool = new Pool<>(serial -> fx.resumeAndEarlyData(ticket, serial + 1), 16_384, 0);
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      out.reset();
      pool.beforeIteration(params);
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
      out.check("resumed " + suite, pool.used(), pool.used());
      pool.afterIteration("resumed " + suite);
    }
  }

  @Benchmark
  public long full(Full s) {
    FullSession e = s.pool.next();
    ServerSide out = s.out;
    ServerConnection c = new ServerConnection(s.server, s.fx.settings, e.serverRandomness(), out);
    out.connection = c;
    c.receive(e.hello());
    c.receive(e.authAndData());
    c.receive(Fixture.CLOSE);
    return out.bytesOut;
  }

  @Benchmark
  public long resumed(Resumed s) {
    byte[] resumeAndData = s.pool.next();
    ServerSide out = s.out;
    ServerConnection c = new ServerConnection(s.server, s.fx.settings, Randomness.secure(), out);
    out.connection = c;
    c.receive(resumeAndData);
    c.receive(Fixture.CLOSE);
    return out.bytesOut;
  }
}
