package dev.slmp.client;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.auth.ProofVerifier;
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
import dev.slmp.protocol.KeySchedule;
import dev.slmp.session.InMemorySessionStore;
import dev.slmp.session.SessionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SLMP/1 server for the client tests: each socket drives a real {@link ServerConnection}
 * with real keys and crypto; every message is recorded and acknowledged ACCEPTED.
 */
final class TestServer {
  /** A live, established server connection and the context it is confined to. */
  record Live(ServerConnection connection, Context context) {}

  final StaticKey p256;
  final StaticKey x25519;
  final byte[] masterSecret = new byte[32];
  final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
  final List<Live> live = new CopyOnWriteArrayList<>();
  final List<AckStatus> deviceAcks = new CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private final ServerKeyRing ring;
  private final ServerSettings settings = ServerSettings.defaults().withLifetime(3600);
  private final ProofVerifier verifier;
  private volatile SessionStore store = new InMemorySessionStore();
  private NetServer server;

  private TestServer(Vertx vertx, StaticKey p256, StaticKey x25519, ServerKeyRing ring) {
    this.vertx = vertx;
    this.p256 = p256;
    this.x25519 = x25519;
    this.ring = ring;
    Randomness.threadRandom().nextBytes(masterSecret);
    this.verifier = new ProofVerifier(new InMemoryDeviceDirectory(masterSecret));
  }

  static Future<TestServer> start(Vertx vertx) {
    StaticKey p = key(DhGroup.p256());
    StaticKey x = key(DhGroup.x25519());
    return new TestServer(vertx, p, x, ServerKeyRing.of(p, x)).listen();
  }

  /** A man in the middle: it answers to {@code real}'s key ids but holds other private keys. */
  static Future<TestServer> impostor(Vertx vertx, TestServer real) {
    StaticKey p =
        new StaticKey(
            DhGroup.p256(),
            key(DhGroup.p256()).privateKey(),
            real.p256.publicKey(),
            real.p256.keyId());
    StaticKey x =
        new StaticKey(
            DhGroup.x25519(),
            key(DhGroup.x25519()).privateKey(),
            real.x25519.publicKey(),
            real.x25519.keyId());
    return new TestServer(vertx, p, x, ServerKeyRing.of(p, x)).listen();
  }

  private static StaticKey key(DhGroup group) {
    return StaticKey.of(group, group.generatePrivate(Randomness.threadRandom()));
  }

  private Future<TestServer> listen() {
    return vertx
        .createNetServer()
        .connectHandler(this::accept)
        .listen(0, "127.0.0.1")
        .map(
            s -> {
              server = s;
              return this;
            });
  }

  private void accept(NetSocket socket) {
    Context ctx = Vertx.currentContext();
    ServerHandshake hs =
        new ServerHandshake(
            settings, ring, verifier, store, () -> System.currentTimeMillis() / 1000);
    ServerConnection[] self = new ServerConnection[1];
    long[] drain = {-1};
    self[0] =
        new ServerConnection(
            hs,
            settings,
            Randomness.secure(),
            new ServerConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                socket.write(Buffer.buffer(bytes));
              }

              @Override
              public void established(ServerConnection c) {
                live.add(new Live(c, ctx));
              }

              @Override
              public void message(InboundMessage m) {
                messages.add(m);
                self[0].acknowledge(m, AckStatus.ACCEPTED);
              }

              @Override
              public void acknowledged(long seq, AckStatus status) {
                deviceAcks.add(status);
              }

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {
                if (byPeer) {
                  socket.close();
                } else {
                  drain[0] =
                      vertx.setTimer(
                          1000, id -> socket.close()); // the device closes when it reads our CLOSE
                }
              }
            });
    socket.handler(b -> self[0].receive(b.getBytes()));
    socket.closeHandler(
        v -> {
          live.removeIf(l -> l.connection() == self[0]);
          if (drain[0] >= 0) {
            vertx.cancelTimer(drain[0]);
          }
        });
  }

  int port() {
    return server.actualPort();
  }

  byte[] deviceKey(String deviceId) {
    return KeySchedule.deviceKey(masterSecret, deviceId.getBytes(StandardCharsets.UTF_8));
  }

  byte[] publicKey(Suite suite) {
    return suite.group() == DhGroup.p256() ? p256.publicKey() : x25519.publicKey();
  }

  DeviceIdentity identity(String deviceId, Suite suite) {
    return new DeviceIdentity(deviceId, deviceKey(deviceId), suite, publicKey(suite));
  }

  SlmpClient.Options options(DeviceIdentity identity) {
    return SlmpClient.Options.of("127.0.0.1", port(), identity).withTimeout(5_000);
  }

  /** Forgets every session, as a restarted node with a fresh store would. */
  void clearSessions() {
    store = new InMemorySessionStore();
  }

  /** A store that cannot answer: resumption gets BUSY, a full handshake lifetime 0. */
  void storeUnavailable() {
    store = new dev.slmp.testing.UnreachableSessionStore();
  }

  /** Sends a DATA with ACK_REQUESTED to the newest established connection, on its own context. */
  Future<Long> push(String topic, byte[] payload) {
    Live l = live.get(live.size() - 1);
    Promise<Long> p = Promise.promise();
    l.context()
        .runOnContext(
            v ->
                p.complete(
                    l.connection()
                        .sendData(topic.getBytes(StandardCharsets.UTF_8), payload, true)
                        .seq()));
    return p.future();
  }

  InboundMessage lastMessage() {
    return messages.get(messages.size() - 1);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
