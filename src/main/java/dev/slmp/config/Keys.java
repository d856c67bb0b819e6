package dev.slmp.config;

import dev.slmp.crypto.Suite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every configuration key of a node, each defined once (the model is Californium's {@code
 * DtlsConfig}): name, default, allowed values and a one-line doc. Validation and its messages, the
 * environment variable and system property of each key, {@code conf/config.json} and the README's
 * configuration table all come from here; a test ({@code ConfigDocsTest}) fails when either file
 * disagrees.
 *
 * <p><b>Adding a key</b> is one declaration, in the place it should appear in the docs:
 *
 * <pre>{@code
 * public static final IntSetting LIMITS_HANDSHAKES_PER_SOURCE = define(new IntSetting("limits.handshakesPerSource",
 *     20, 1, MAX, "handshakes in progress from one address, past which CLOSE(BUSY)"));
 * }</pre>
 *
 * then regenerate the two files ({@code java -cp target/slmp-fat.jar dev.slmp.config.ConfigDocs
 * --write}, after {@code mvn -o -q package -DskipTests}) and read it where it is used with {@code
 * config.get(Keys.LIMITS_…)}. A rule that ties keys together goes in {@link #checkTogether}.
 * Verticles do not read keys: {@code node.VerticleSettings} builds their typed settings.
 */
public final class Keys {
  /**
   * The definitions in declaration order; first, so that {@link #define} can fill it during class
   * init.
   */
  private static final List<Setting<?>> ALL = new ArrayList<>();

  /** "No upper limit" of an int key. */
  private static final int MAX = Integer.MAX_VALUE;

  private static final int BODY_MAX = 0xFFFFFF;
  private static final String PERMITTED =
      "addresses, `{\"address\": a}` or `{\"addressRegex\": r}`";

  public static final StringSetting HOST =
      define(StringSetting.nonBlank("host", "0.0.0.0", "address the gateway listens on"));
  public static final IntSetting PORT =
      define(new IntSetting("port", 9999, 0, 65535, "TCP port (0: any free port)"));
  public static final StringSetting DATA_DIR =
      define(StringSetting.nonBlank("dataDir", "data", "keys, master secret, registry, inbox"));
  public static final IntSetting REGISTRY_CHECK_INTERVAL_MS =
      define(
          new IntSetting(
              "registry.checkIntervalMs",
              500,
              50,
              60_000,
              "how often a worker looks whether `devices.json` changed on disk (a `device` command,"
                  + " an edit): a revocation there ends the device's connections cluster-wide"));
  public static final IntSetting SHUTDOWN_TIMEOUT_MS =
      define(
          new IntSetting(
              "shutdownTimeoutMs",
              25_000,
              1000,
              600_000,
              "SIGTERM to exit at most: readiness DOWN, stop accepting, answer in-flight deliveries,"
                  + " CLOSE(NORMAL) to devices, flush the inbox, leave the cluster"));
  public static final ListSetting<Set<Suite>> SUITES =
      define(
          ListSetting.ofNumbers(
              "suites",
              new JsonArray().add(1).add(2).add(3),
              "1, 2, 3; at least one",
              Keys::suites,
              "enabled suites"));
  public static final IntSetting MAX_BODY =
      define(
          new IntSetting(
              "maxBody",
              65536,
              1024,
              BODY_MAX,
              "largest frame body accepted (announced in WELCOME)"));
  public static final IntSetting DEVICE_MAX_BODY =
      define(
          new IntSetting(
              "deviceMaxBody", 1024, 1024, BODY_MAX, "largest body sent to a device (spec 2)"));
  public static final IntSetting HANDSHAKE_TIMEOUT_MS =
      define(
          new IntSetting(
              "handshakeTimeoutMs",
              10000,
              1,
              3_600_000,
              "from accept until WELCOME/RESUMED, else `CLOSE(TIMEOUT)`"));
  public static final IntSetting KEEPALIVE_SECONDS =
      define(
          new IntSetting(
              "keepaliveSeconds",
              60,
              0,
              65535,
              "announced keep-alive; idle for 2× this → `CLOSE(TIMEOUT)`; 0: none"));

  public static final LongSetting SESSION_LIFETIME_SECONDS =
      define(
          new LongSetting(
              "session.lifetimeSeconds",
              86400,
              0,
              0xFFFFFFFFL,
              "how long a session can be resumed (0: no resumption)"));
  public static final IntSetting SESSION_MAX_SESSIONS =
      define(
          new IntSetting(
              "session.maxSessions",
              1_000_000,
              1,
              MAX,
              "sessions kept in memory; past it, new handshakes get lifetime 0"));

  public static final IntSetting LIMITS_MAX_CONNECTIONS =
      define(
          new IntSetting(
              "limits.maxConnections",
              10000,
              1,
              MAX,
              "open connections, past which new ones get `CLOSE(BUSY)`"));
  public static final IntSetting LIMITS_MAX_HANDSHAKES =
      define(
          new IntSetting(
              "limits.maxHandshakes",
              1000,
              1,
              MAX,
              "handshakes in progress (RESUME included), past which `CLOSE(BUSY)`"));
  public static final IntSetting LIMITS_HANDSHAKES_PER_SOURCE =
      define(
          new IntSetting(
              "limits.handshakesPerSource",
              32,
              1,
              MAX,
              "handshakes in progress from one source (an IPv4 address, an IPv6 /64), past which `CLOSE(BUSY)`"));
  public static final IntSetting LIMITS_HELLO_RATE_PER_SOURCE =
      define(
          new IntSetting(
              "limits.helloRatePerSource",
              50,
              1,
              MAX,
              "new connections (each one HELLO or RESUME) per second from one source, refilled continuously"));
  public static final IntSetting LIMITS_HELLO_BURST_PER_SOURCE =
      define(
          new IntSetting(
              "limits.helloBurstPerSource",
              100,
              1,
              MAX,
              "how many of those one source may open at once before the rate applies"));
  public static final IntSetting LIMITS_MAX_INFLIGHT_PER_CONNECTION =
      define(
          new IntSetting(
              "limits.maxInflightPerConnection",
              32,
              1,
              65536,
              "deliveries of one connection awaiting their consumer's answer;"
                  + " past it the node stops reading that connection until one is answered"));
  public static final IntSetting LIMITS_FAILED_AUTH_PER_MINUTE =
      define(
          new IntSetting(
              "limits.failedAuthPerMinute",
              20,
              1,
              MAX,
              "failed authentications from one address before it is blocked"));
  public static final IntSetting LIMITS_FAILED_AUTH_BLOCK_SECONDS =
      define(
          new IntSetting(
              "limits.failedAuthBlockSeconds",
              60,
              0,
              86400,
              "how long a blocked address gets `CLOSE(BUSY, \"retry in N s\")`"));

  public static final BoolSetting PROXY_PROTOCOL =
      define(
          new BoolSetting(
              "proxyProtocol",
              false,
              "expect a PROXY protocol (v1 or v2) header on every connection, as sent by an L4 load balancer, so that limits"
                  + " and logs see the device's address; a connection without a valid one is closed"));

  public static final IntSetting VERTICLES_GATEWAY =
      define(
          new IntSetting("verticles.gateway", 1, 0, 64, "gateway instances (they share the port)"));
  public static final IntSetting VERTICLES_HANDSHAKE =
      define(
          new IntSetting(
              "verticles.handshake",
              1,
              0,
              64,
              "handshake verticle instances; at least 1 on a node with gateways"));
  public static final IntSetting VERTICLES_AUTH =
      define(
          new IntSetting(
              "verticles.auth",
              1,
              0,
              64,
              "auth verticle instances (0: this node uses another node's auth)"));
  public static final IntSetting VERTICLES_CRYPTO =
      define(
          new IntSetting(
              "verticles.crypto",
              0,
              0,
              64,
              "crypto verticle instances; 0 opens and seals in the gateway"));
  public static final BoolSetting VERTICLES_HANDSHAKE_ON_WORKER =
      define(
          new BoolSetting(
              "verticles.handshakeOnWorker", false, "run handshake verticles on worker threads"));
  public static final BoolSetting VERTICLES_P256_HANDSHAKE_ON_WORKER =
      define(
          new BoolSetting(
              "verticles.p256HandshakeOnWorker",
              true,
              "a handshake verticle on an event loop hands P-256 HELLOs (0.4 ms of CPU)"
                  + " to worker threads; X25519 ones stay on the loop (each measured faster so, see Benchmarks)"));

  public static final IntSetting DELIVERY_TIMEOUT_MS =
      define(
          new IntSetting(
              "delivery.timeoutMs",
              10000,
              1,
              3_600_000,
              "how long the delivery sink or a `slmp.deliver` consumer has to answer"));
  public static final BoolSetting DELIVERY_PUBLISH_IN =
      define(
          new BoolSetting(
              "delivery.publishIn",
              true,
              "publish every accepted message on `slmp.in`; `false` saves that publish (about 0.5 µs per message)"
                  + " where nothing observes"));

  public static final IntSetting QUEUE_MAX_PER_DEVICE =
      define(
          new IntSetting(
              "queue.maxPerDevice",
              16,
              1,
              10_000,
              "commands queued for one device (`slmp.commands`), past which an enqueue is refused"));
  public static final LongSetting QUEUE_DEFAULT_TTL_SECONDS =
      define(
          new LongSetting(
              "queue.defaultTtlSeconds",
              604800,
              1,
              31_536_000,
              "a queued command's time to live when the request names none (7 days); then EXPIRED"));
  public static final IntSetting QUEUE_MAX_DEVICES =
      define(
          new IntSetting(
              "queue.maxDevices",
              100_000,
              1,
              MAX,
              "devices with queued commands (the node's, or the whole cluster's), past which an enqueue"
                  + " for another device is refused"));
  public static final IntSetting QUEUE_EXPIRY_SWEEP_SECONDS =
      define(
          new IntSetting(
              "queue.expirySweepSeconds",
              30,
              1,
              3600,
              "how often expired commands are dropped (EXPIRED receipts); also checked at each wake-up"));

  public static final IntSetting CLUSTER_EXPECTED_SIZE =
      define(
          new IntSetting(
              "cluster.expectedSize",
              0,
              0,
              1000,
              "nodes in the cluster, required with `-cluster` (0: not set); a majority of it is needed to"
                  + " resume (Clustering)"));
  public static final IntSetting CLUSTER_STORE_TIMEOUT_MS =
      define(
          new IntSetting(
              "cluster.storeTimeoutMs",
              2000,
              1,
              600_000,
              "a session store slower than this is `BUSY`"));
  public static final BoolSetting CLUSTER_INSECURE =
      define(
          new BoolSetting(
              "cluster.insecure",
              false,
              "run the clustered event bus without TLS: anyone who reaches its port reads and sends"
                  + " (trials only; Clustering)"));

  public static final BoolSetting LEGACY_ENABLED =
      define(
          new BoolSetting(
              "legacy.enabled",
              false,
              "also accept the prototype's insecure wire format on the same port (Migrating devices from the prototype)"));
  public static final StringSetting LEGACY_SECRET =
      define(
          StringSetting.secret(
              "legacy.secret",
              "",
              "the prototype's shared secret; required when `legacy.enabled`"));
  public static final IntSetting LEGACY_MAX_TOKEN_BYTES =
      define(
          new IntSetting(
              "legacy.maxTokenBytes",
              4096,
              256,
              1 << 20,
              "largest legacy token (base64 text) before the connection is closed"));

  public static final BoolSetting INBOX_ENABLED =
      define(new BoolSetting("inbox.enabled", true, "the built-in durable inbox"));
  public static final StringSetting INBOX_FILE =
      define(StringSetting.nonBlank("inbox.file", "inbox.jsonl", "its file, inside `dataDir`"));
  public static final BoolSetting INBOX_PRINT =
      define(new BoolSetting("inbox.print", true, "print `Authenticated message from …` lines"));
  public static final IntSetting INBOX_MAX_BATCH =
      define(new IntSetting("inbox.maxBatch", 256, 1, 100_000, "messages per fsync at most"));
  // 10,000: at the measured durable rate (about 65,000 msgs/s) 0.15 s of writing, far inside
  // delivery.timeoutMs,
  // yet a stalled disk holds at most that many messages in memory instead of every message of every
  // device.
  public static final IntSetting INBOX_MAX_QUEUE =
      define(
          new IntSetting(
              "inbox.maxQueue",
              10_000,
              1,
              MAX,
              "messages waiting for the disk, past which a delivery is answered `NOT_DELIVERED`"));
  public static final LongSetting INBOX_MIN_FREE_BYTES =
      define(
          new LongSetting(
              "inbox.minFreeBytes",
              64L << 20,
              0,
              Long.MAX_VALUE,
              "free space the inbox leaves on its file system: below it, deliveries get `NOT_DELIVERED`"));
  public static final LongSetting INBOX_MAX_FILE_BYTES =
      define(
          new LongSetting(
              "inbox.maxFileBytes",
              1L << 30,
              1024,
              Long.MAX_VALUE,
              "size at which the file is rolled to `inbox-<n>.jsonl` (the node never deletes rolled files)"));

  public static final StringSetting SINK =
      define(
          StringSetting.oneOf(
              "sink",
              "inbox",
              List.of("inbox", "kafka"),
              "who takes the messages devices want acknowledged: the built-in inbox (`inbox.*`) or Kafka (`kafka.*`; the inbox is then not deployed)"));
  public static final StringSetting KAFKA_BOOTSTRAP_SERVERS =
      define(
          StringSetting.text(
              "kafka.bootstrapServers",
              "",
              "`host:port,…` of the Kafka cluster; required when `sink` is `kafka`"));
  public static final StringSetting KAFKA_TOPIC =
      define(
          StringSetting.nonBlank(
              "kafka.topic",
              "slmp.messages",
              "the topic device messages go to (key: device id, value: payload, metadata in headers)"));
  public static final MapSetting KAFKA_PROPERTIES =
      define(
          new MapSetting(
              "kafka.properties",
              "Kafka client properties (values hidden in logs)",
              "passed to the producer and consumer as they are (SASL, TLS, `linger.ms` …); `acks`, idempotence and serializers are SLMP's"));
  public static final IntSetting KAFKA_TIMEOUT_MS =
      define(
          new IntSetting(
              "kafka.timeoutMs",
              5000,
              1000,
              600_000,
              "how long a message waits for the broker's acknowledgement before the device is told `NOT_DELIVERED`; below `delivery.timeoutMs`"));
  public static final StringSetting KAFKA_COMMAND_TOPIC =
      define(
          StringSetting.text(
              "kafka.commandTopic",
              "",
              "records here (key: device id, value: payload, headers `topic`, `ack`, `ttl`) are queued as commands to devices; empty: none"));
  public static final StringSetting KAFKA_RECEIPT_TOPIC =
      define(
          StringSetting.text(
              "kafka.receiptTopic",
              "",
              "the receipts of queued commands (`slmp.out.receipt`) are produced here; empty: none"));

  public static final ListSetting<List<DeployEntry>> DEPLOY =
      define(
          ListSetting.ofNames(
              "deploy",
              new JsonArray(),
              "names (`groovy:path.groovy`, a class name) or `{\"name\", \"instances\", \"config\"}`",
              DeployEntry::list,
              "application verticles to deploy after SLMP's, in order"));

  public static final BoolSetting BRIDGE_ENABLED =
      define(
          new BoolSetting(
              "bridge.enabled", false, "the TCP event-bus bridge for programs outside the JVM"));
  public static final StringSetting BRIDGE_HOST =
      define(
          StringSetting.nonBlank(
              "bridge.host",
              "127.0.0.1",
              "address it listens on: loopback only (no TLS); clients present `dataDir/bridge.token`"));
  public static final IntSetting BRIDGE_PORT =
      define(new IntSetting("bridge.port", 7000, 1, 65535, "its port"));
  public static final ListSetting<List<BridgeRules.Permitted>> BRIDGE_INBOUND =
      define(
          ListSetting.ofNames(
              "bridge.inbound",
              new JsonArray()
                  .add(new JsonObject().put("addressRegex", "slmp\\.out\\.(?!receipt$).+"))
                  .add("slmp.commands"),
              PERMITTED,
              l -> BridgeRules.permitted(l, "bridge.inbound"),
              "addresses a client may send or publish to"));
  public static final ListSetting<List<BridgeRules.Permitted>> BRIDGE_OUTBOUND =
      define(
          ListSetting.ofNames(
              "bridge.outbound",
              new JsonArray().add("slmp.in").add("slmp.deliver").add("slmp.out.receipt"),
              PERMITTED,
              l -> BridgeRules.permitted(l, "bridge.outbound"),
              "addresses a client may register on"));
  public static final IntSetting BRIDGE_MAX_FRAME_BYTES =
      define(
          new IntSetting(
              "bridge.maxFrameBytes",
              65536,
              1024,
              64 * 1024 * 1024,
              "largest frame a client may send (JSON bytes); a larger length is answered with an `err` frame and the connection closed"));
  public static final BoolSetting ADMIN_ENABLED =
      define(
          new BoolSetting(
              "admin.enabled",
              true,
              "the admin HTTP server: `/metrics`, `/health/live` and `/health/ready`, `/api` (token in `dataDir/admin.token`), status page `/`; off, SLMP's meters are not counted either"));
  public static final StringSetting ADMIN_HOST =
      define(
          StringSetting.nonBlank(
              "admin.host",
              "127.0.0.1",
              "address it listens on; any other than loopback requires TLS (`admin.tls.keyStore`, or `admin.tls.certFile` and `admin.tls.keyFile`)"));
  public static final IntSetting ADMIN_PORT =
      define(new IntSetting("admin.port", 8099, 0, 65535, "its port (0: any free port)"));
  public static final StringSetting ADMIN_TLS_KEY_STORE =
      define(
          StringSetting.text(
              "admin.tls.keyStore",
              "",
              "PKCS#12 file with the admin server's key and certificate chain; empty: plain HTTP (loopback only)"));
  public static final StringSetting ADMIN_TLS_KEY_STORE_PASSWORD =
      define(
          StringSetting.secret(
              "admin.tls.keyStorePassword", "", "the password of `admin.tls.keyStore`"));

  public static final StringSetting ADMIN_TLS_CERT_FILE =
      define(
          StringSetting.text(
              "admin.tls.certFile",
              "",
              "PEM file with the admin server's certificate chain (instead of a key store; with `admin.tls.keyFile`)"));
  public static final StringSetting ADMIN_TLS_KEY_FILE =
      define(
          StringSetting.text(
              "admin.tls.keyFile",
              "",
              "PEM file with the admin server's private key (PKCS#8 or PKCS#1), mode 600"));

  private Keys() {}

  /**
   * Every key, in declaration order (the order of {@code conf/config.json} and the README's table).
   */
  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  private static <S extends Setting<?>> S define(S setting) {
    ALL.add(setting);
    return setting;
  }

  /**
   * The rules that tie keys together, checked after each key on its own; every message names the
   * keys.
   */
  static void checkTogether(NodeConfig c) {
    if (c.get(VERTICLES_GATEWAY) > 0 && c.get(VERTICLES_HANDSHAKE) == 0) {
      // Handshake and crypto work on per-connection secrets, which never leave the node holding the
      // connection.
      throw new IllegalArgumentException(
          "config key 'verticles.handshake' must be at least 1 on a node with gateways");
    }
    if (c.get(BRIDGE_ENABLED) && !isLoopback(c.get(BRIDGE_HOST))) {
      // The bridge has no TLS: its token and every message would cross the network in clear.
      throw new IllegalArgumentException(
          "config key 'bridge.host' must be a loopback address (127.0.0.1, ::1, localhost): the"
              + " bridge has no TLS, so its token and messages would cross the network in clear;"
              + " reach it from other hosts through an SSH tunnel or a TLS proxy");
    }
    boolean pemCert = !c.get(ADMIN_TLS_CERT_FILE).isEmpty();
    boolean pemKey = !c.get(ADMIN_TLS_KEY_FILE).isEmpty();
    if (pemCert != pemKey) {
      throw new IllegalArgumentException(
          "config key '"
              + (pemCert ? "admin.tls.keyFile" : "admin.tls.certFile")
              + "' must be set too: admin TLS from PEM files needs both the certificate and the key");
    }
    if (pemCert && !c.get(ADMIN_TLS_KEY_STORE).isEmpty()) {
      throw new IllegalArgumentException(
          "config keys 'admin.tls.keyStore' and 'admin.tls.certFile'/'admin.tls.keyFile' are both"
              + " set: give the admin server's key either as a PKCS#12 key store or as PEM files");
    }
    if (c.get(ADMIN_ENABLED)
        && c.get(ADMIN_TLS_KEY_STORE).isEmpty()
        && !pemCert
        && !isLoopback(c.get(ADMIN_HOST))) {
      // The API's bearer token and the device keys it returns must not cross a network in clear.
      throw new IllegalArgumentException(
          "config key 'admin.host' is "
              + c.get(ADMIN_HOST)
              + ", not loopback: set 'admin.tls.keyStore' (PKCS#12), or 'admin.tls.certFile' and"
              + " 'admin.tls.keyFile' (PEM), for TLS, or bind it to 127.0.0.1");
    }
    boolean kafka =
        c.get(SINK).equals("kafka")
            || !c.get(KAFKA_COMMAND_TOPIC).isEmpty()
            || !c.get(KAFKA_RECEIPT_TOPIC).isEmpty();
    if (kafka && c.get(KAFKA_BOOTSTRAP_SERVERS).isBlank()) {
      throw new IllegalArgumentException(
          "config key 'kafka.bootstrapServers' ("
              + KAFKA_BOOTSTRAP_SERVERS.envName()
              + ") must name the Kafka cluster (host:port,…) when sink is kafka or a command or"
              + " receipt topic is set");
    }
    checkKafkaProperties(c.get(KAFKA_PROPERTIES));
    if (c.get(SINK).equals("kafka") && c.get(KAFKA_TIMEOUT_MS) >= c.get(DELIVERY_TIMEOUT_MS)) {
      // Past delivery.timeoutMs the gateway has already told the device NOT_DELIVERED.
      throw new IllegalArgumentException(
          "config key 'kafka.timeoutMs' ("
              + c.get(KAFKA_TIMEOUT_MS)
              + ") must be below 'delivery.timeoutMs' ("
              + c.get(DELIVERY_TIMEOUT_MS)
              + ")");
    }
    if (!c.get(KAFKA_COMMAND_TOPIC).isEmpty()
        && c.get(KAFKA_COMMAND_TOPIC).equals(c.get(KAFKA_TOPIC))) {
      // Each device message would come back as a command to the device that sent it.
      throw new IllegalArgumentException(
          "config key 'kafka.commandTopic' must differ from 'kafka.topic'");
    }
    if (c.get(LEGACY_ENABLED) && c.get(LEGACY_SECRET).isEmpty()) {
      throw new IllegalArgumentException(
          "config key 'legacy.secret' ("
              + LEGACY_SECRET.envName()
              + ") must be set when legacy.enabled is true");
    }
  }

  /**
   * {@code kafka.properties} may tune the clients but not undo what the sink promises: the broker's
   * acknowledgement by all in-sync replicas, no duplicates from the producer's own retries, bytes
   * as they came. Values are never shown (they may hold passwords).
   */
  private static void checkKafkaProperties(java.util.Map<String, String> p) {
    for (String own :
        List.of(
            "bootstrap.servers",
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer",
            "enable.auto.commit")) {
      if (p.containsKey(own)) {
        throw new IllegalArgumentException(
            "config key 'kafka.properties' must not set '"
                + own
                + "': SLMP sets it"
                + (own.equals("bootstrap.servers") ? " from 'kafka.bootstrapServers'" : ""));
      }
    }
    String acks = p.getOrDefault("acks", "all");
    if (!acks.equals("all") && !acks.equals("-1")) {
      throw new IllegalArgumentException(
          "config key 'kafka.properties' must not set 'acks' to anything but all: a device is"
              + " told ACCEPTED only once every in-sync replica has its message");
    }
    if (!p.getOrDefault("enable.idempotence", "true").equals("true")) {
      throw new IllegalArgumentException(
          "config key 'kafka.properties' must not turn 'enable.idempotence' off");
    }
  }

  /**
   * Whether {@code host} is a loopback literal ({@code localhost}, 127.x, ::1); names are not
   * resolved, so a name that merely points at loopback still needs TLS.
   */
  static boolean isLoopback(String host) {
    String h = host.trim();
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static Set<Suite> suites(JsonArray list) {
    Set<Suite> s = EnumSet.noneOf(Suite.class);
    for (Object o : list) {
      Long id = Setting.wholeNumber(o);
      Suite suite = id == null ? null : Suite.byId(id.intValue());
      if (suite == null || id != suite.id()) {
        throw new IllegalArgumentException(
            "config key 'suites': unknown suite " + o + " (known: 1, 2, 3)");
      }
      s.add(suite);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException(
          "config key 'suites' must name at least one suite (1, 2 or 3)");
    }
    return Collections.unmodifiableSet(s);
  }
}
