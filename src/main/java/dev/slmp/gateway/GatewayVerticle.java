package dev.slmp.gateway;

import dev.slmp.commands.Downlink;
import dev.slmp.connection.RecordCrypto;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.metrics.SlmpMeters;
import dev.slmp.metrics.SlmpMeters.Refusal;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frames;
import dev.slmp.services.EventBusHandshaker;
import dev.slmp.services.EventBusRecordCrypto;
import dev.slmp.services.HandshakeVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP face of a node: a Vert.x {@code NetServer} (several instances share the port), admission
 * by the limits of spec 9, and one {@link GatewayConnection} per socket.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final AtomicInteger NEXT_CRYPTO = new AtomicInteger();
  private final GatewaySettings setup;
  private final String nodeId;
  private final ConnectionRegistry connections;
  private final FailedAuthLimiter failedAuth;
  private final SourceLimiter sources;
  private final SlmpMeters meters;
  private final Downlink downlink;
  private NetServer server;
  private ServerSettings settings;
  private ServerHandshaker handshaker;
  private Delivery delivery;
  private int cryptoInstances;
  private int maxConnections;
  private int maxHandshakes;
  private LegacySettings legacy;

  public GatewayVerticle(
      GatewaySettings setup,
      String nodeId,
      ConnectionRegistry connections,
      FailedAuthLimiter failedAuth,
      SourceLimiter sources) {
    this(setup, nodeId, connections, failedAuth, sources, SlmpMeters.NOOP);
  }

  public GatewayVerticle(
      GatewaySettings setup,
      String nodeId,
      ConnectionRegistry connections,
      FailedAuthLimiter failedAuth,
      SourceLimiter sources,
      SlmpMeters meters) {
    this(setup, nodeId, connections, failedAuth, sources, meters, null);
  }

  /** With {@code downlink}, the node's command queue (null: no queue, commands only live). */
  public GatewayVerticle(
      GatewaySettings setup,
      String nodeId,
      ConnectionRegistry connections,
      FailedAuthLimiter failedAuth,
      SourceLimiter sources,
      SlmpMeters meters,
      Downlink downlink) {
    this.downlink = downlink;
    this.setup = setup;
    this.nodeId = nodeId;
    this.connections = connections;
    this.failedAuth = failedAuth;
    this.sources = sources;
    this.meters = meters;
  }

  /** Established connections of this gateway instance; touched only on its context. */
  private final java.util.Set<GatewayConnection> established = new java.util.HashSet<>();

  @Override
  public Future<?> start() {
    GatewaySettings c = setup;
    HandshakeVerticle.registerCodecs(vertx);
    settings = c.protocol();
    handshaker = new EventBusHandshaker(vertx, c.handshakeTimeoutMs());
    delivery = new Delivery(vertx, nodeId, c.deliveryTimeoutMs(), c.publishIn());
    cryptoInstances = c.cryptoInstances();
    maxConnections = c.maxConnections();
    maxHandshakes = c.maxHandshakes();
    legacy = c.legacy();
    vertx.setPeriodic(
        60_000,
        id -> {
          failedAuth.purge();
          sources.purge();
        });
    int keepalive = settings.keepaliveSeconds();
    if (keepalive > 0) {
      // One sweep per gateway instead of a timer per connection (heap per idle connection).
      long limit = keepalive * 2000L;
      vertx.setPeriodic(
          Math.max(100, keepalive * 500L),
          id -> {
            long now = GatewayConnection.monotonicMillis();
            for (GatewayConnection gc : new java.util.ArrayList<>(established)) {
              gc.closeIfIdle(now, limit);
            }
          });
    }
    server =
        vertx.createNetServer(
            new NetServerOptions()
                .setHost(c.host())
                .setPort(c.port())
                .setTcpNoDelay(true)
                .setUseProxyProtocol(c.proxyProtocol()));
    server.connectHandler(this::accept);
    return server.listen();
  }

  /**
   * Graceful shutdown: stops accepting, then each connection answers its deliveries in flight and
   * sends CLOSE(NORMAL, "server shutting down"); completes when every connection is closed, or
   * after {@code timeoutMs} (then the rest are closed without further ado). Any thread.
   */
  public Future<Void> drain(long timeoutMs) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(
        v ->
            server
                .shutdown(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)
                .onComplete(done));
    return done.future();
  }

  /** The port this gateway listens on (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    // Every check here comes before any Diffie-Hellman: a refused connection costs the node one
    // small write.
    String source = SourceLimiter.sourceOf(socket.remoteAddress().host());
    long wait = failedAuth.blockedSeconds(source);
    if (wait > 0) {
      refuse(
          socket,
          Refusal.FAILED_AUTH_BLOCKED,
          "too many failed authentications; retry in " + wait + " s");
      return;
    }
    ConnectionRegistry.Admission admission = connections.tryAdmit(maxConnections, maxHandshakes);
    if (admission == null) {
      Refusal why =
          connections.openConnections() >= maxConnections
              ? Refusal.MAX_CONNECTIONS
              : Refusal.MAX_HANDSHAKES;
      refuse(socket, why, "server busy; retry in 5 s");
      return;
    }
    wait = sources.tryStart(source);
    if (wait > 0) {
      admission.closed();
      refuse(
          socket,
          Refusal.PER_SOURCE,
          "too many handshakes from your address; retry in " + wait + " s");
      return;
    }
    admission.holdSourceSlot(sources, source);
    RecordCrypto crypto =
        cryptoInstances == 0
            ? RecordCrypto.INLINE
            : new EventBusRecordCrypto(
                vertx, Math.floorMod(NEXT_CRYPTO.getAndIncrement(), cryptoInstances));
    new GatewayConnection(vertx, socket, this, admission, handshaker, crypto).start();
  }

  private void refuse(NetSocket socket, Refusal why, String reason) {
    meters.refused(why);
    meters.closed(CloseCode.BUSY);
    socket.write(Buffer.buffer(Frames.close(CloseCode.BUSY, reason)));
    GatewayConnection.lingerAndClose(vertx, socket);
  }

  ServerSettings settings() {
    return settings;
  }

  long handshakeTimeoutMs() {
    return setup.handshakeTimeoutMs();
  }

  /** The node's command queue, or null. */
  Downlink downlink() {
    return downlink;
  }

  Delivery delivery() {
    return delivery;
  }

  /**
   * The prototype's format (spec 10): its settings, or null when {@code legacy.enabled} is false.
   */
  LegacySettings legacy() {
    return legacy;
  }

  int maxInflight() {
    return setup.maxInflightPerConnection();
  }

  String nodeId() {
    return nodeId;
  }

  /**
   * An established connection of this gateway joins the idle sweep (called on this verticle's
   * context).
   */
  void track(GatewayConnection c) {
    established.add(c);
  }

  /** A connection ended; idempotent. */
  void untrack(GatewayConnection c) {
    established.remove(c);
  }

  SlmpMeters meters() {
    return meters;
  }

  ConnectionRegistry registry() {
    return connections;
  }

  FailedAuthLimiter failedAuth() {
    return failedAuth;
  }
}
