package dev.slmp.jmh;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.auth.ProofVerifier;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker.HelloResult;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frames;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.protocol.SlmpException;
import dev.slmp.session.DeviceTicket;
import dev.slmp.session.InMemorySessionStore;
import dev.slmp.session.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * One server and one provisioned device of a suite, as a standalone node has them: a key ring with
 * a static key of each group, a master-secret device directory, an in-memory session store and the
 * default settings. Also makes real device frames with {@link DeviceConnection}, the Java client's
 * own state machine.
 */
final class Fixture {
  static final String DEVICE_ID = "sensor-000001";
  static final String TOPIC = "sensors/t";

  /** The 64-byte reading of every DATA in these benchmarks. */
  static final byte[] PAYLOAD = payload();

  static final byte[] CLOSE = Frames.close(CloseCode.NORMAL, "");

  final Suite suite;
  final ServerSettings settings = ServerSettings.defaults();
  final StaticKey serverKey;
  final ServerKeyRing ring;
  final InMemoryDeviceDirectory directory;
  final DeviceIdentity identity;

  Fixture(Suite suite) {
    this.suite = suite;
    SecureRandom r = Randomness.threadRandom();
    StaticKey p256 = StaticKey.of(DhGroup.p256(), DhGroup.p256().generatePrivate(r));
    StaticKey x25519 = StaticKey.of(DhGroup.x25519(), DhGroup.x25519().generatePrivate(r));
    serverKey = suite.group() == DhGroup.p256() ? p256 : x25519;
    ring = ServerKeyRing.of(p256, x25519);
    byte[] masterSecret = new byte[32];
    r.nextBytes(masterSecret);
    directory = new InMemoryDeviceDirectory(masterSecret);
    byte[] deviceKey =
        KeySchedule.deviceKey(masterSecret, DEVICE_ID.getBytes(StandardCharsets.UTF_8));
    identity = new DeviceIdentity(DEVICE_ID, deviceKey, suite, serverKey.publicKey());
  }

  private static byte[] payload() {
    byte[] p = new byte[64];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (i * 7 + 3);
    }
    return p;
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  ServerHandshake newServer(SessionStore store) {
    return new ServerHandshake(settings, ring, new ProofVerifier(directory), store, Fixture::now);
  }

  ServerHandshake newServer() {
    return newServer(new InMemorySessionStore());
  }

  /**
   * The secure randomness of a node, except that the server's ephemeral private key is one chosen
   * in advance, so that the device's AUTH (which depends on HELLO_REPLY) could be prepared before
   * the measured handshake. The server still draws a real key from its generator (and drops it), so
   * the measured cost includes the draw.
   */
  static final class PreparedRandomness implements Randomness {
    private final byte[] serverEphemeral;

    PreparedRandomness(byte[] serverEphemeral) {
      this.serverEphemeral = serverEphemeral;
    }

    @Override
    public byte[] ephemeralPrivate(DhGroup group) {
      Randomness.secure().ephemeralPrivate(group);
      return serverEphemeral;
    }

    @Override
    public byte[] nonce16() {
      return Randomness.secure().nonce16();
    }

    @Override
    public FernetStamp fernetStamp() {
      return Randomness.secure().fernetStamp();
    }
  }

  /** Collects what a device writes. */
  static final class DeviceOut implements DeviceConnection.Listener {
    final List<byte[]> frames = new ArrayList<>();
    DeviceConnection connection;
    DeviceTicket ticket;

    @Override
    public void write(byte[] bytes) {
      frames.add(bytes);
    }

    @Override
    public void established(DeviceConnection connection, DeviceTicket ticket) {
      this.ticket = ticket;
    }

    @Override
    public void closed(CloseCode code, String reason, boolean byPeer) {
      throw new IllegalStateException("device closed: " + code + " " + reason);
    }
  }

  /**
   * One full sleepy session as the device sends it, with the server ephemeral key its AUTH was made
   * for.
   */
  record FullSession(byte[] hello, byte[] auth, byte[] authAndData, Randomness serverRandomness) {}

  /** A fresh device HELLO (fresh device ephemeral key) only. */
  FullSession helloOnly() {
    DeviceOut out = new DeviceOut();
    DeviceConnection dev =
        new DeviceConnection(identity, Randomness.secure(), settings.deviceMaxBody(), out);
    dev.startFull();
    return new FullSession(
        out.frames.get(0),
        null,
        null,
        new PreparedRandomness(Randomness.secure().ephemeralPrivate(suite.group())));
  }

  /**
   * A fresh device HELLO, then its AUTH and one 64-byte DATA with ACK_REQUESTED pipelined behind
   * AUTH (one TCP segment, as the client library sends them), made against the HELLO_REPLY {@code
   * prepServer} gives with the chosen server ephemeral key.
   */
  FullSession fullSession(ServerHandshake prepServer) {
    return fullSession(prepServer, Randomness.secure().ephemeralPrivate(suite.group()), null);
  }

  /**
   * As above; {@code device} (when not null) receives the device's listener, whose connection is
   * left in state AUTH_SENT.
   */
  FullSession fullSession(ServerHandshake prepServer, byte[] serverEphemeral, DeviceOut[] device) {
    DeviceOut out = new DeviceOut();
    DeviceConnection dev =
        new DeviceConnection(identity, Randomness.secure(), settings.deviceMaxBody(), out);
    out.connection = dev;
    dev.startFull();
    byte[] hello = out.frames.get(0);
    PreparedRandomness rnd = new PreparedRandomness(serverEphemeral);
    HelloResult reply;
    try {
      reply = prepServer.helloNow(hello, rnd);
    } catch (SlmpException e) {
      throw new IllegalStateException(e);
    }
    dev.receive(reply.helloReplyFrame());
    dev.sendData(TOPIC, PAYLOAD, true);
    if (out.frames.size() != 3) {
      throw new IllegalStateException(
          "device wrote " + out.frames.size() + " frames, expected HELLO, AUTH, DATA");
    }
    if (device != null) {
      device[0] = out;
    }
    return new FullSession(
        hello, out.frames.get(1), concat(out.frames.get(1), out.frames.get(2)), rnd);
  }

  /**
   * RESUME with resume counter {@code counter} and one 64-byte EARLY DATA with ACK_REQUESTED,
   * coalesced.
   */
  byte[] resumeAndEarlyData(DeviceTicket ticket, long counter) {
    DeviceOut out = new DeviceOut();
    DeviceConnection dev =
        new DeviceConnection(identity, Randomness.secure(), settings.deviceMaxBody(), out);
    dev.startResume(
        new DeviceTicket(
            ticket.sessionId(),
            ticket.rs(),
            ticket.suite(),
            counter,
            ticket.keepalive(),
            ticket.maxBody(),
            ticket.expiresAt()));
    dev.sendData(TOPIC, PAYLOAD, true);
    return concat(out.frames.get(0), out.frames.get(1));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The node side of a connection as the gateway uses it: everything written is counted, every
   * accepted DATA is acknowledged at once (ACCEPTED, as an in-memory consumer would).
   */
  static final class ServerSide implements ServerConnection.Listener {
    ServerConnection connection;

    /** When not null, every write is kept here too. */
    List<byte[]> captured;

    long bytesOut;
    long messages;
    long established;
    long closedByServer;
    CloseCode lastServerClose;

    @Override
    public void write(byte[] bytes) {
      bytesOut += bytes.length;
      if (captured != null) {
        captured.add(bytes);
      }
    }

    @Override
    public void established(ServerConnection c) {
      established++;
    }

    @Override
    public void message(InboundMessage message) {
      messages++;
      connection.acknowledge(message, AckStatus.ACCEPTED);
    }

    /**
     * Throws unless every connection since the last reset was established and closed only by the
     * device.
     */
    void check(String what, long sessions, long expectedMessages) {
      if (established != sessions || messages != expectedMessages || closedByServer != 0) {
        throw new IllegalStateException(
            what
                + ": "
                + sessions
                + " sessions gave "
                + established
                + " established, "
                + messages
                + " messages (expected "
                + expectedMessages
                + "), "
                + closedByServer
                + " closed by the server"
                + (lastServerClose != null ? " (last: " + lastServerClose + ")" : ""));
      }
    }

    void reset() {
      bytesOut = 0;
      messages = 0;
      established = 0;
      closedByServer = 0;
      lastServerClose = null;
    }

    @Override
    public void closed(CloseCode code, String reason, boolean byPeer) {
      if (!byPeer) {
        closedByServer++;
        lastServerClose = code;
      }
    }
  }
}
