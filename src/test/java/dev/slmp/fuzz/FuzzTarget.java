package dev.slmp.fuzz;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.auth.ProofVerifier;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.RecordCrypto;
import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Randomness;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.session.DeviceTicket;
import dev.slmp.session.InMemorySessionStore;
import dev.slmp.session.SessionRecord;
import dev.slmp.session.SessionStore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one case against the real state machines, through their public API only: a fresh {@link
 * ServerConnection} (with the real {@link ServerHandshake}, an in-memory store and directory) or
 * {@link DeviceConnection}, fed the case's stream read by read. It records what they wrote,
 * delivered and reported, and any exception that escaped them.
 */
final class FuzzTarget {
  /** What the side under test did. */
  static final class Actual {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final List<FuzzExpect.Message> delivered = new ArrayList<>();
    final List<List<Long>> acknowledged = new ArrayList<>();

    /**
     * Server: the case's session in the store afterwards ({@code [resume_counter, expires]}, null
     * if none).
     */
    List<Long> session;

    /** What the connection says of itself once everything completed. */
    boolean established;

    boolean closed;

    /** Server: frames still queued, or handshake work still awaited, once everything completed. */
    boolean pendingWork;

    /** Device: {@code unacknowledged()}. */
    int unacknowledged = -1;

    /** Device: every ticket reported by {@code established}. */
    final List<String> tickets = new ArrayList<>();

    /** Device: it has written its AUTH. */
    boolean authWritten;

    final List<String> closes = new ArrayList<>();
    CloseCode closeCode;
    boolean closedByPeer;
    boolean writeAfterClose;
    Throwable thrown;

    void write(byte[] b) {
      if (!closes.isEmpty()) {
        writeAfterClose = true;
      }
      written.writeBytes(b);
    }

    void closed(CloseCode code, boolean byPeer) {
      closes.add(code + (byPeer ? " by peer" : ""));
      closeCode = code;
      closedByPeer = byPeer;
    }

    void message(InboundMessage m) {
      delivered.add(
          new FuzzExpect.Message(m.seq(), m.early(), m.ackRequested(), m.topic(), m.payload()));
    }
  }

  /** The device's clock (Unix seconds): its ticket expires at this plus the WELCOME's lifetime. */
  static final long DEVICE_CLOCK = 1_700_000_000L;

  private FuzzTarget() {}

  static Actual run(FuzzCase c, FuzzWorld w) {
    Actual a = new Actual();
    try {
      FuzzDeferred later = c.deferred ? new FuzzDeferred(c.rnd) : null;
      Feed feed = c.serverSide() ? server(c, w, a, later) : device(c, w, a);
      int off = 0;
      for (int n : c.reads) {
        feed.receive(c.stream, off, n);
        off += n;
        if (later != null) {
          later.some();
        }
      }
      if (later != null) {
        later.all();
      }
      feed.end();
    } catch (Throwable t) {
      a.thrown = t;
    }
    return a;
  }

  private interface Feed {
    void receive(byte[] b, int off, int len);

    /** After the flight: the server's handshake timer fires, when the case says so. */
    void end();
  }

  private static Feed server(FuzzCase c, FuzzWorld w, Actual a, FuzzDeferred later) {
    FuzzFixture fx = c.fx;
    long clock = fx.resumeClock;
    InMemorySessionStore store = new InMemorySessionStore(() -> clock, 1000);
    // The fixture's session is stored on every server, so a RESUME injected into a full handshake
    // can succeed.
    store.put(
        fx.record(
            c.storeCounter, c.sessionExpired ? clock - c.rnd.nextInt(2) : fx.recordExpires()));
    ServerSettings settings = FuzzWorld.settings(c.maxBody);
    ProofVerifier devices = new ProofVerifier(new InMemoryDeviceDirectory(fx.masterSecret));
    SessionStore sessions = c.storeDown ? new dev.slmp.testing.UnreachableSessionStore() : store;
    ServerHandshake real = new ServerHandshake(settings, w.keyRing, devices, sessions, () -> clock);
    ServerConnection[] conn = new ServerConnection[1];
    ServerHandshaker hs = later == null ? w.memoized(real) : later.handshaker(w.memoized(real));
    RecordCrypto crypto = later == null ? RecordCrypto.INLINE : later.crypto();
    Randomness randomness = w.serverRandomness(fx, c.rnd);
    conn[0] =
        new ServerConnection(
            hs,
            crypto,
            settings,
            randomness,
            new ServerConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                a.write(bytes);
              }

              @Override
              public void established(ServerConnection connection) {
                for (FuzzCase.Sent s : c.commands) {
                  connection.sendData(s.topic(), s.payload(), s.ackRequested());
                }
              }

              @Override
              public void message(InboundMessage m) {
                a.message(m);
                conn[0].acknowledge(m, AckStatus.ACCEPTED);
              }

              @Override
              public void acknowledged(long seq, AckStatus status) {
                a.acknowledged.add(List.of(seq, 0L, (long) status.code()));
              }

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {
                a.closed(code, byPeer);
              }
            });
    return new Feed() {
      @Override
      public void receive(byte[] b, int off, int len) {
        conn[0].receive(b, off, len);
      }

      @Override
      public void end() {
        if (c.timeout) {
          conn[0].handshakeTimeout();
        }
        a.established = conn[0].isEstablished();
        a.closed = conn[0].isClosed();
        a.pendingWork = conn[0].queuedBytes() != 0 || conn[0].isAwaitingHandshake();
        SessionRecord r = store.get(fx.sessionId).toCompletableFuture().join();
        a.session = r == null ? null : List.of(r.resumeCounter(), r.expires());
      }
    };
  }

  private static Feed device(FuzzCase c, FuzzWorld w, Actual a) {
    FuzzFixture fx = c.fx;
    DeviceIdentity id =
        new DeviceIdentity(fx.deviceId, fx.deviceKey, fx.suite, fx.serverStaticPublic);
    DeviceConnection[] conn = new DeviceConnection[1];
    conn[0] =
        new DeviceConnection(
            id,
            w.deviceRandomness(fx, c.rnd),
            c.maxBody,
            () -> DEVICE_CLOCK,
            new DeviceConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                a.authWritten |= bytes.length > 0 && bytes[0] == 0x03;
                a.write(bytes);
              }

              @Override
              public void established(DeviceConnection connection, DeviceTicket t) {
                a.tickets.add(
                    t == null
                        ? "none"
                        : FuzzExpect.ticket(
                            t.sessionId(),
                            t.rs(),
                            t.suite().id(),
                            t.lastCounter(),
                            t.keepalive(),
                            t.maxBody(),
                            t.expiresAt()));
              }

              @Override
              public void message(InboundMessage m) {
                a.message(m);
                conn[0].acknowledge(m, AckStatus.ACCEPTED);
              }

              @Override
              public void acknowledged(long seq, boolean early, AckStatus status) {
                a.acknowledged.add(List.of(seq, early ? 1L : 0L, (long) status.code()));
              }

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {
                a.closed(code, byPeer);
              }
            });
    if (c.kind == FuzzCase.Kind.DEVICE_FULL) {
      conn[0].startFull();
    } else {
      conn[0].startResume(fx.ticket());
      for (FuzzCase.Sent s : c.earlyData) {
        conn[0].sendData(
            new String(s.topic(), java.nio.charset.StandardCharsets.UTF_8),
            s.payload(),
            s.ackRequested());
      }
    }
    return new Feed() {
      private boolean pipelined;

      @Override
      public void receive(byte[] b, int off, int len) {
        conn[0].receive(b, off, len);
        if (!pipelined && a.authWritten && !conn[0].isClosed()) {
          pipelined = true;
          for (FuzzCase.Sent s : c.pipelined) {
            String topic = new String(s.topic(), java.nio.charset.StandardCharsets.UTF_8);
            conn[0].sendData(topic, s.payload(), s.ackRequested());
          }
        }
      }

      @Override
      public void end() {
        a.established = conn[0].isEstablished();
        a.closed = conn[0].isClosed();
        a.unacknowledged = conn[0].unacknowledged();
      }
    };
  }
}
