package dev.slmp.node;

import com.hazelcast.core.HazelcastInstance;
import dev.slmp.admin.AdminContext;
import dev.slmp.admin.AdminSettings;
import dev.slmp.admin.AdminVerticle;
import dev.slmp.bridge.BridgeSettings;
import dev.slmp.bus.Addresses;
import dev.slmp.bus.ConnectedNotice;
import dev.slmp.cluster.ClusterIdentity;
import dev.slmp.cluster.ClusterRegistry;
import dev.slmp.cluster.ClusterSeal;
import dev.slmp.cluster.ClusterSetup;
import dev.slmp.cluster.ClusterTls;
import dev.slmp.cluster.HazelcastCommandStore;
import dev.slmp.cluster.HazelcastSessionStore;
import dev.slmp.commands.CommandsVerticle;
import dev.slmp.commands.Downlink;
import dev.slmp.commands.LocalCommandStore;
import dev.slmp.commands.QueueSettings;
import dev.slmp.config.Keys;
import dev.slmp.config.NodeConfig;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.downlink.CommandStore;
import dev.slmp.gateway.ConnectionRegistry;
import dev.slmp.gateway.FailedAuthLimiter;
import dev.slmp.gateway.GatewaySettings;
import dev.slmp.gateway.GatewayVerticle;
import dev.slmp.gateway.SourceLimiter;
import dev.slmp.handshake.StaticKey;
import dev.slmp.inbox.InboxSettings;
import dev.slmp.inbox.InboxVerticle;
import dev.slmp.metrics.MicrometerSlmpMeters;
import dev.slmp.metrics.SlmpMeters;
import dev.slmp.services.AuthVerticle;
import dev.slmp.services.CryptoVerticle;
import dev.slmp.services.HandshakeSettings;
import dev.slmp.services.HandshakeVerticle;
import dev.slmp.session.InMemorySessionStore;
import dev.slmp.session.SessionStore;
import dev.slmp.sink.KafkaCommandVerticle;
import dev.slmp.sink.KafkaSettings;
import dev.slmp.sink.KafkaSinkVerticle;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The main verticle of a node: reads the configuration once, opens (or creates) the data directory,
 * then deploys auth, handshake, crypto and inbox (or Kafka sink) verticles, and the gateways last,
 * so a node only accepts devices once everything behind the gateway is up. A verticle that fails to
 * deploy fails the start.
 */
public final class SlmpNode extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(SlmpNode.class.getName());
  private final List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
  private NodeServices services;
  private final AtomicLong malformedNotices = new AtomicLong();
  private PrometheusMeterRegistry metrics;
  private volatile AdminVerticle admin;

  /** The cluster's copy of the device registry, null when not clustered. */
  private ClusterRegistry clusterRegistry;

  private volatile String inboxDeployment;
  private Future<Void> shutdown;

  /** A standalone node's command queues, opened from the data directory on a worker. */
  private volatile LocalCommandStore localCommands;

  /** Set when shutdown begins: the readiness probe answers DOWN from then on. */
  private volatile boolean stopping;

  @Override
  public Future<?> start() {
    return NodeConfig.load(vertx, config())
        .compose(
            cfg ->
                vertx
                    .executeBlocking(
                        () -> {
                          if (vertx.isClustered()) {
                            ClusterSetup.requireExpectedSize(cfg.get(Keys.CLUSTER_EXPECTED_SIZE));
                            if (!cfg.get(Keys.CLUSTER_INSECURE)) {
                              // Whoever builds the clustered Vert.x (SlmpApplication, an embedding)
                              // gives its event bus ClusterTls from these files.
                              ClusterTls.requireCertificate(Path.of(cfg.get(Keys.DATA_DIR)));
                            }
                          }
                          DataDirectory data =
                              DataDirectory.openOrCreate(Path.of(cfg.get(Keys.DATA_DIR)));
                          if (vertx.isClustered()) {
                            ClusterIdentity.checkOrRecord(hazelcast(), data);
                          } else {
                            localCommands =
                                LocalCommandStore.open(
                                    vertx, data.dir(), VerticleSettings.queue(cfg));
                          }
                          return data;
                        })
                    .recover(this::leaveIfRefused)
                    .map(data -> services(cfg, data)))
        .compose(
            s ->
                vertx
                    .eventBus()
                    .consumer(Addresses.CONNECTED, m -> connected(s, m.body()))
                    .completion()
                    .compose(
                        v ->
                            dev.slmp.admin.NodeAdminBus.register(
                                vertx, s.nodeId(), s.connections()))
                    .map(s))
        .compose(this::deployAll)
        .onSuccess(v -> announce())
        .onFailure(
            e ->
                LOG.log(System.Logger.Level.ERROR, "SLMP node failed to start: " + e.getMessage()));
  }

  /**
   * Another node's connection of a device was established: an older one here is taken over. This
   * node's own connections settle takeovers locally, at once; only other nodes' announcements count
   * here (a late one of our own could otherwise close the newer connection). A malformed notice is
   * ignored and counted, never acted on.
   */
  private void connected(NodeServices s, Object body) {
    ConnectedNotice n = ConnectedNotice.parse(body, System.currentTimeMillis());
    if (n == null) {
      long count = malformedNotices.incrementAndGet();
      if (Long.bitCount(count) == 1) {
        LOG.log(
            System.Logger.Level.WARNING,
            "ignored a malformed " + Addresses.CONNECTED + " message (" + count + " so far)");
      }
      return;
    }
    if (!s.nodeId().equals(n.node())) {
      s.connections().announced(n.device(), n.connection(), n.at());
    }
  }

  private NodeServices services(NodeConfig cfg, DataDirectory data) {
    SessionStore sessions;
    java.util.function.Supplier<Number> sessionCount;
    QueueSettings queue = VerticleSettings.queue(cfg);
    CommandStore commands;
    if (vertx.isClustered()) {
      ClusterSeal seal = ClusterSeal.register(hazelcast(), data.clusterKey());
      clusterRegistry = new ClusterRegistry(hazelcast().getMap(ClusterRegistry.MAP), seal);
      commands =
          new HazelcastCommandStore(
              vertx,
              hazelcast().getMap(ClusterSetup.COMMANDS_MAP),
              seal,
              cfg.get(Keys.CLUSTER_STORE_TIMEOUT_MS),
              queue.maxPerDevice(),
              queue.maxDevices(),
              queue.leaseMs());
      com.hazelcast.map.IMap<?, ?> map = hazelcast().getMap(ClusterSetup.SESSIONS_MAP);
      sessionCount = map::size;
      sessions =
          new HazelcastSessionStore(
              vertx,
              hazelcast().getMap(ClusterSetup.SESSIONS_MAP),
              hazelcast().getMap(ClusterSetup.SESSIONS_BY_DEVICE_MAP),
              seal,
              cfg.get(Keys.CLUSTER_STORE_TIMEOUT_MS),
              () -> System.currentTimeMillis() / 1000);
    } else {
      InMemorySessionStore local =
          new InMemorySessionStore(
              () -> System.currentTimeMillis() / 1000, cfg.get(Keys.SESSION_MAX_SESSIONS));
      vertx.setPeriodic(60_000, id -> local.purgeExpired());
      sessions = local;
      sessionCount = local::size;
      commands = localCommands;
    }
    String nodeId =
        vertx.isClustered()
            ? ((VertxInternal) vertx).clusterManager().getNodeId()
            : UUID.randomUUID().toString();
    FailedAuthLimiter limiter =
        new FailedAuthLimiter(
            cfg.get(Keys.LIMITS_FAILED_AUTH_PER_MINUTE),
            cfg.get(Keys.LIMITS_FAILED_AUTH_BLOCK_SECONDS),
            System::currentTimeMillis);
    SourceLimiter sources =
        new SourceLimiter(
            cfg.get(Keys.LIMITS_HANDSHAKES_PER_SOURCE),
            cfg.get(Keys.LIMITS_HELLO_RATE_PER_SOURCE),
            cfg.get(Keys.LIMITS_HELLO_BURST_PER_SOURCE),
            System::currentTimeMillis);
    ConnectionRegistry connections = new ConnectionRegistry();
    metrics = meterRegistry();
    // Without the admin server nothing reads SLMP's meters (/metrics, the status page): no
    // counting.
    SlmpMeters meters = SlmpMeters.NOOP;
    if (cfg.get(Keys.ADMIN_ENABLED)) {
      MicrometerSlmpMeters micrometer =
          new MicrometerSlmpMeters(metrics, connections::openConnections, sessionCount);
      micrometer.commandQueues(commands::queues);
      meters = micrometer;
    }
    Downlink downlink = new Downlink(vertx, commands, queue, data.registry(), meters);
    services =
        new NodeServices(
            cfg, data, sessions, connections, limiter, sources, nodeId, meters, downlink);
    return services;
  }

  /**
   * The launcher's registry when Vert.x runs with Micrometer metrics (then {@code /metrics} also
   * shows Vert.x's net-server and event-bus meters and the JVM's); otherwise one of this node's own
   * with the JVM's meters (embedded and test nodes).
   */
  private static PrometheusMeterRegistry meterRegistry() {
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry shared) {
      return shared;
    }
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(own);
    new JvmMemoryMetrics().bindTo(own);
    new JvmGcMetrics().bindTo(own);
    new JvmThreadMetrics().bindTo(own);
    new ProcessorMetrics().bindTo(own);
    new UptimeMetrics().bindTo(own);
    return own;
  }

  /**
   * A node the cluster refused (other secrets) leaves it before failing its start: as a Hazelcast
   * member it would own partitions of the session maps without the cluster key to serve them, and
   * every device whose session lives there would get BUSY. Leaving is graceful: its partitions
   * migrate back to the other members with their backups.
   */
  private <T> Future<T> leaveIfRefused(Throwable e) {
    if (!(e instanceof ClusterIdentity.Refused)) {
      return Future.failedFuture(e);
    }
    io.vertx.core.Promise<Void> left = io.vertx.core.Promise.promise();
    ((VertxInternal) vertx).clusterManager().leave(left);
    return left.future()
        .onSuccess(
            v ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "refused by the cluster: left it (Hazelcast member shut down)"))
        .transform(v -> Future.failedFuture(e));
  }

  private HazelcastInstance hazelcast() {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager())
        .getHazelcastInstance();
  }

  private Future<?> deployAll(NodeServices s) {
    NodeConfig c = s.config();
    AtomicInteger cryptoIndex = new AtomicInteger();
    DeploymentOptions handshakeOpts = options(c.get(Keys.VERTICLES_HANDSHAKE));
    if (c.get(Keys.VERTICLES_HANDSHAKE_ON_WORKER)) {
      handshakeOpts.setThreadingModel(ThreadingModel.WORKER);
    }
    HandshakeSettings handshake = VerticleSettings.handshake(c);
    InboxSettings inbox = VerticleSettings.inbox(c, s.data().dir());
    GatewaySettings gateway = VerticleSettings.gateway(c);
    BridgeSettings bridge = VerticleSettings.bridge(c);
    KafkaSettings kafka = VerticleSettings.kafka(c, s.nodeId());
    // The registry first: a node that restarts has caught up with the cluster's revocations before
    // it authenticates anyone.
    return deploy(
            "registry",
            () ->
                new RegistryVerticle(
                    s.data().registry(),
                    s.connections(),
                    s.sessions(),
                    c.get(Keys.REGISTRY_CHECK_INTERVAL_MS),
                    vertx.isClustered() ? hazelcast() : null,
                    clusterRegistry),
            options(1))
        .compose(
            v ->
                deploy(
                    "auth",
                    () -> new AuthVerticle(s.data().registry()),
                    options(c.get(Keys.VERTICLES_AUTH))))
        .compose(
            v ->
                deploy(
                    "handshake",
                    () -> new HandshakeVerticle(handshake, s.data().keyRing(), s.sessions()),
                    handshakeOpts))
        .compose(
            v ->
                deploy(
                    "crypto",
                    () -> new CryptoVerticle(cryptoIndex.getAndIncrement()),
                    options(c.get(Keys.VERTICLES_CRYPTO))))
        .compose(
            v ->
                deploy(
                        "inbox",
                        () -> new InboxVerticle(inbox, s.meters()),
                        options(VerticleSettings.inboxRuns(c) ? 1 : 0))
                    .onSuccess(id -> inboxDeployment = (String) id))
        .compose(v -> deploy("commands", () -> new CommandsVerticle(s.downlink()), options(1)))
        .compose(
            v ->
                deploy(
                    "kafka sink",
                    () -> new KafkaSinkVerticle(kafka, s.meters()),
                    options(c.get(Keys.SINK).equals("kafka") ? 1 : 0)))
        .compose(
            v ->
                deploy(
                    "kafka commands",
                    () -> new KafkaCommandVerticle(kafka),
                    options(
                        kafka.commandTopic().isEmpty() && kafka.receiptTopic().isEmpty() ? 0 : 1)))
        .compose(
            v ->
                deploy(
                    "gateway",
                    () -> {
                      GatewayVerticle g =
                          new GatewayVerticle(
                              gateway,
                              s.nodeId(),
                              s.connections(),
                              s.failedAuth(),
                              s.sources(),
                              s.meters(),
                              s.downlink());
                      gateways.add(g);
                      return g;
                    },
                    options(c.get(Keys.VERTICLES_GATEWAY))))
        // The admin server once the gateways listen, so that ready is UP only then.
        .compose(
            v -> {
              AdminContext ctx =
                  new AdminContext(
                      s.nodeId(),
                      metrics,
                      s.data().registry(),
                      s.connections(),
                      s.sessions(),
                      this::port,
                      () -> stopping,
                      s.downlink());
              return deploy(
                  "admin",
                  () -> admin = new AdminVerticle(admin(c, s), ctx),
                  options(c.get(Keys.ADMIN_ENABLED) ? 1 : 0));
            })
        // Then the TCP bridge and the application's own verticles (config deploy), once SLMP's are
        // up.
        .compose(
            v ->
                deploy(
                    "bridge",
                    () -> new dev.slmp.bridge.BridgeVerticle(bridge),
                    options(c.get(Keys.BRIDGE_ENABLED) ? 1 : 0)))
        .compose(v -> dev.slmp.polyglot.DeployList.deployAll(vertx, c.get(Keys.DEPLOY)));
  }

  private static AdminSettings admin(NodeConfig c, NodeServices s) {
    return VerticleSettings.admin(c, s.data().dir());
  }

  private static DeploymentOptions options(int instances) {
    return new DeploymentOptions().setInstances(instances);
  }

  private Future<?> deploy(String name, Supplier<VerticleBase> verticle, DeploymentOptions opts) {
    if (opts.getInstances() == 0) {
      return Future.succeededFuture();
    }
    return vertx
        .deployVerticle(verticle, opts)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "the " + name + " verticle failed to deploy: " + e.getMessage(), e)));
  }

  private void announce() {
    NodeConfig c = services.config();
    StringBuilder keys = new StringBuilder();
    for (StaticKey k : services.data().keyRing().keys()) {
      keys.append(' ').append(k.group().name()).append('=').append(k.keyIdHex());
    }
    LOG.log(
        System.Logger.Level.INFO,
        "SLMP node "
            + services.nodeId()
            + " listening on "
            + c.get(Keys.HOST)
            + ":"
            + port()
            + ", suites "
            + c.get(Keys.SUITES)
            + ", data "
            + services.data().dir()
            + ", key ids"
            + keys);
    if (vertx.isClustered()) {
      var info = ((VertxInternal) vertx).clusterManager().getNodeInfo();
      LOG.log(
          c.get(Keys.CLUSTER_INSECURE) ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
          "event bus on "
              + info.host()
              + ":"
              + info.port()
              + " "
              + (c.get(Keys.CLUSTER_INSECURE) ? ClusterTls.INSECURE_NOTE : ClusterTls.TLS_NOTE));
    }
  }

  /** The port the gateways listen on (after start; the configured one unless it was 0). */
  public int port() {
    return gateways.isEmpty() ? -1 : gateways.get(0).actualPort();
  }

  /** The admin server's port (after start; -1 when {@code admin.enabled} is false). */
  public int adminPort() {
    AdminVerticle a = admin;
    return a == null ? -1 : a.actualPort();
  }

  /**
   * Shutdown begins: from now on {@code /health/ready} answers 503, before anything closes, so a
   * load balancer stops sending devices here first. Called by the launcher when the JVM is asked to
   * stop, and by {@link #stop}.
   */
  public void beginShutdown() {
    if (!stopping) {
      stopping = true;
      LOG.log(System.Logger.Level.INFO, "SLMP node shutting down: readiness DOWN");
    }
  }

  /**
   * The graceful part of a shutdown, in order: readiness DOWN; the gateways stop accepting, answer
   * the deliveries in flight and send CLOSE(NORMAL, "server shutting down"); the inbox stores and
   * answers what it holds and closes. Leaving the cluster is Vert.x's close, after this. Bounded by
   * {@code shutdownTimeoutMs}: the gateways get two thirds of it, the inbox its own bound. Called
   * by the launcher when the JVM is asked to stop (SIGTERM), and by {@link #stop}; idempotent.
   */
  public synchronized Future<Void> shutdown() {
    if (shutdown != null) {
      return shutdown;
    }
    beginShutdown();
    long started = System.currentTimeMillis();
    long drainMs = services == null ? 0 : shutdownTimeoutMs() * 2 / 3;
    List<Future<Void>> drained = new java.util.ArrayList<>();
    for (GatewayVerticle g : gateways) {
      drained.add(g.drain(drainMs));
    }
    shutdown =
        Future.join(drained)
            .transform(
                ar -> {
                  LOG.log(
                      System.Logger.Level.INFO,
                      "SLMP node shutting down: devices closed in "
                          + (System.currentTimeMillis() - started)
                          + " ms");
                  String inbox = inboxDeployment;
                  return inbox == null
                      ? Future.<Void>succeededFuture()
                      : vertx.undeploy(inbox).recover(e -> Future.succeededFuture());
                })
            .onComplete(
                ar ->
                    LOG.log(
                        System.Logger.Level.INFO,
                        "SLMP node shutting down: inbox flushed; leaving the cluster"));
    return shutdown;
  }

  /** {@code shutdownTimeoutMs} of this node's configuration (the default before start). */
  public long shutdownTimeoutMs() {
    NodeServices s = services;
    return s == null
        ? Keys.SHUTDOWN_TIMEOUT_MS.defaultValue()
        : s.config().get(Keys.SHUTDOWN_TIMEOUT_MS);
  }

  @Override
  public Future<?> stop() {
    LocalCommandStore local = localCommands;
    Future<Void> done = shutdown();
    if (local == null) {
      return done;
    }
    // The command log is closed after the connections are: their last settlements are written.
    return done.transform(
        ar ->
            vertx.executeBlocking(
                () -> {
                  local.close();
                  return null;
                }));
  }

  /** The node's shared services (after start): for tests and embedding. */
  public NodeServices services() {
    return services;
  }
}
