package dev.slmp.jmh;

import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.jmh.Fixture.FullSession;
import dev.slmp.jmh.Fixture.ServerSide;
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

/**
 * The steady-state hot path of an established connection, without I/O: one 64-byte DATA
 * (ACK_REQUESTED) fed to {@link ServerConnection#receive} is decoded, checked, opened, delivered,
 * and answered with a sealed ACK ACCEPTED. The DATA frames (seq 2..2^18+1) are sealed once by the
 * device; each connection replays the same handshake (same HELLO, AUTH and server ephemeral key,
 * hence the same keys), so when the frames run out a new connection takes them again (one handshake
 * per 262,144 messages, counted in the figure: ~0.001 µs/msg).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class SteadyBench {
  static final int FRAMES = 1 << 18;

  @State(Scope.Thread)
  public static class Connection {
    @Param({"P256_FERNET", "P256_AES128GCM", "X25519_CHACHA20POLY1305"})
    Suite suite;

    Fixture fx;
    ServerHandshake server;
    FullSession handshake;
    byte[][] frames;
    final ServerSide out = new ServerSide();
    ServerConnection connection;
    int next;
    long sent;
    long connections;

    @Setup(Level.Trial)
    public void trial() {
      fx = new Fixture(suite);
      server = fx.newServer(new InMemorySessionStore());
      Fixture.DeviceOut[] device = new Fixture.DeviceOut[1];
      handshake =
          fx.fullSession(server, Randomness.secure().ephemeralPrivate(suite.group()), device);
      Fixture.DeviceOut dev = device[0];
      dev.frames.clear();
      for (int i = 0; i < FRAMES; i++) {
        dev.connection.sendData(Fixture.TOPIC, Fixture.PAYLOAD, true);
      }
      frames = dev.frames.toArray(new byte[0][]);
      dev.frames.clear();
    }

    void connect() {
      ServerConnection c =
          new ServerConnection(server, fx.settings, handshake.serverRandomness(), out);
      out.connection = c;
      c.receive(handshake.hello());
      c.receive(handshake.authAndData());
      connection = c;
      next = 0;
      connections++;
      sent++;
    }

    @Setup(Level.Iteration)
    public void iteration() {
      out.reset();
      sent = 0;
      connections = 0;
      connect();
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
      out.check("steady " + suite, connections, sent);
    }
  }

  @Benchmark
  public long dataWithAck(Connection s) {
    if (s.next == FRAMES) {
      s.connect();
    }
    s.connection.receive(s.frames[s.next++]);
    s.sent++;
    return s.out.bytesOut;
  }
}
