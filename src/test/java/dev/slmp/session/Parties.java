package dev.slmp.session;

import static dev.slmp.crypto.Bytes.unhex;

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
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.testing.FrameLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the server and the device of an SLMP/1 vector file, with their fixed keys, clocks and
 * randomness.
 */
final class Parties {
  private Parties() {}

  static DhGroup group(String name) {
    return "X25519".equals(name) ? DhGroup.x25519() : DhGroup.p256();
  }

  static SessionRecord record(JsonObject r) {
    return new SessionRecord(
        unhex(r.getString("session_id")),
        r.getString("device_id"),
        Suite.byId(r.getInteger("suite")),
        unhex(r.getString("rs")),
        r.getLong("expires"),
        r.getLong("resume_counter"));
  }

  /** A server under test and everything it did. */
  static final class Server {
    final FrameLog log = new FrameLog();
    final List<InboundMessage> messages = new ArrayList<>();
    final InMemorySessionStore store;
    final InMemoryDeviceDirectory directory;
    final ServerConnection connection;

    /** What the application does with each accepted message (default: ACCEPTED at once). */
    Consumer<InboundMessage> application;

    Server(
        ServerKeyRing keys,
        byte[] masterSecret,
        long lifetime,
        int keepalive,
        int maxBody,
        long clock,
        Randomness randomness,
        boolean storeUnavailable) {
      ServerSettings settings =
          new ServerSettings(EnumSet.allOf(Suite.class), lifetime, keepalive, maxBody, 1024);
      store = new InMemorySessionStore(() -> clock, 1000);
      directory = new InMemoryDeviceDirectory(masterSecret);
      SessionStore used = storeUnavailable ? new dev.slmp.testing.UnreachableSessionStore() : store;
      ServerHandshake hs =
          new ServerHandshake(settings, keys, new ProofVerifier(directory), used, () -> clock);
      application = m -> connection().acknowledge(m, AckStatus.ACCEPTED);
      connection =
          new ServerConnection(
              hs,
              settings,
              randomness,
              new ServerConnection.Listener() {
                @Override
                public void write(byte[] bytes) {
                  log.write(bytes);
                }

                @Override
                public void message(InboundMessage message) {
                  messages.add(message);
                  application.accept(message);
                }

                @Override
                public void closed(CloseCode code, String reason, boolean byPeer) {
                  log.closed(code, byPeer);
                }
              });
    }

    /**
     * The resumption vector's application: it holds the ACK of an EARLY DATA until the next
     * ordinary DATA has arrived, then acknowledges that DATA first and the held EARLY DATA after
     * it.
     */
    void holdEarlyAcksUntilNextData() {
      List<InboundMessage> held = new ArrayList<>();
      application =
          m -> {
            if (m.early()) {
              if (m.ackRequested()) {
                held.add(m);
              }
              return;
            }
            connection.acknowledge(m, AckStatus.ACCEPTED);
            held.forEach(h -> connection.acknowledge(h, AckStatus.ACCEPTED));
            held.clear();
          };
    }

    private ServerConnection connection() {
      return connection;
    }

    /** The server of a full-handshake (or data/resumption) file's inputs. */
    static Server ofInputs(JsonObject in, Suite suite, Randomness randomness, long clock) {
      StaticKey sk = StaticKey.of(suite.group(), unhex(in.getString("server_static_private")));
      return new Server(
          ServerKeyRing.of(sk),
          unhex(in.getString("master_secret")),
          in.getLong("lifetime"),
          in.getInteger("keepalive"),
          in.getInteger("max_body"),
          clock,
          randomness,
          false);
    }

    /** The server of a negative file's {@code server_config}, adjusted by one case. */
    static Server ofNegative(JsonObject cfg, JsonObject c, Suite suite) {
      StaticKey mine = StaticKey.of(suite.group(), unhex(cfg.getString("static_private")));
      StaticKey other =
          StaticKey.of(
              group(cfg.getString("other_group")),
              unhex(cfg.getString("other_group_static_private")));
      long clock = c.getLong("server_clock", cfg.getLong("clock"));
      Server s =
          new Server(
              ServerKeyRing.of(mine, other),
              unhex(cfg.getString("master_secret")),
              cfg.getLong("lifetime"),
              cfg.getInteger("keepalive"),
              cfg.getInteger("max_body"),
              clock,
              new dev.slmp.testing.VectorRandomness(c.getJsonObject("server_randomness")),
              c.getBoolean("session_store_unavailable", false));
      for (Object r : c.getJsonArray("session_store", new JsonArray())) {
        s.store.put(record((JsonObject) r));
      }
      for (Object id : c.getJsonArray("revoked_device_ids", new JsonArray())) {
        s.directory.revoke((String) id);
      }
      return s;
    }
  }

  /** A device under test and everything it did. */
  static final class Device {
    final FrameLog log = new FrameLog();
    final List<InboundMessage> messages = new ArrayList<>();
    final List<long[]> acks = new ArrayList<>();
    DeviceTicket ticket;
    final DeviceConnection connection;

    Device(DeviceIdentity identity, Randomness randomness) {
      connection =
          new DeviceConnection(
              identity,
              randomness,
              65536,
              () -> 1_700_000_000L,
              new DeviceConnection.Listener() {
                @Override
                public void write(byte[] bytes) {
                  log.write(bytes);
                }

                @Override
                public void established(DeviceConnection c, DeviceTicket t) {
                  ticket = t;
                }

                @Override
                public void message(InboundMessage m) {
                  messages.add(m);
                  Device.this.connection.acknowledge(m, AckStatus.ACCEPTED);
                }

                @Override
                public void acknowledged(long seq, boolean early, AckStatus status) {
                  acks.add(new long[] {seq, early ? 1 : 0, status.code()});
                }

                @Override
                public void closed(CloseCode code, String reason, boolean byPeer) {
                  log.closed(code, byPeer);
                }
              });
    }

    static Device of(
        String deviceIdHex,
        String deviceKey,
        Suite suite,
        String serverPublic,
        Randomness randomness) {
      String id = new String(unhex(deviceIdHex), java.nio.charset.StandardCharsets.UTF_8);
      return new Device(
          new DeviceIdentity(id, unhex(deviceKey), suite, unhex(serverPublic)), randomness);
    }
  }

  /**
   * A device whose output collects in {@code out} and that ignores its own close (in-memory tests).
   */
  static DeviceConnection deviceWritingTo(DeviceIdentity id, java.io.ByteArrayOutputStream out) {
    return new DeviceConnection(
        id,
        Randomness.secure(),
        65536,
        new DeviceConnection.Listener() {
          @Override
          public void write(byte[] bytes) {
            out.writeBytes(bytes);
          }

          @Override
          public void closed(CloseCode code, String reason, boolean byPeer) {}
        });
  }

  static DeviceTicket ticket(JsonObject t) {
    return new DeviceTicket(
        unhex(t.getString("session_id")),
        unhex(t.getString("rs")),
        Suite.byId(t.getInteger("suite")),
        t.getLong("last_counter_used"),
        t.getInteger("keepalive"),
        t.getInteger("max_body"),
        Long.MAX_VALUE);
  }
}
