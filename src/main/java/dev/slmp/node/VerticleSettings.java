package dev.slmp.node;

import dev.slmp.admin.AdminSettings;
import dev.slmp.bridge.BridgeSettings;
import dev.slmp.config.Keys;
import dev.slmp.config.NodeConfig;
import dev.slmp.gateway.GatewaySettings;
import dev.slmp.gateway.LegacySettings;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.inbox.InboxSettings;
import dev.slmp.services.HandshakeSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one place where the configuration becomes what each verticle needs: verticles take typed
 * settings records and never read {@link NodeConfig} or a key themselves.
 */
final class VerticleSettings {
  private VerticleSettings() {}

  /** The SLMP/1 settings a server announces and enforces (spec 2, 6). */
  static ServerSettings protocol(NodeConfig c) {
    return new ServerSettings(
        c.get(Keys.SUITES),
        c.get(Keys.SESSION_LIFETIME_SECONDS),
        c.get(Keys.KEEPALIVE_SECONDS),
        c.get(Keys.MAX_BODY),
        c.get(Keys.DEVICE_MAX_BODY));
  }

  static HandshakeSettings handshake(NodeConfig c) {
    return new HandshakeSettings(
        protocol(c),
        c.get(Keys.HANDSHAKE_TIMEOUT_MS),
        c.get(Keys.VERTICLES_P256_HANDSHAKE_ON_WORKER),
        c.get(Keys.VERTICLES_AUTH) > 0);
  }

  static GatewaySettings gateway(NodeConfig c) {
    LegacySettings legacy =
        !c.get(Keys.LEGACY_ENABLED)
            ? null
            : new LegacySettings(
                c.get(Keys.LEGACY_SECRET).getBytes(StandardCharsets.UTF_8),
                c.get(Keys.LEGACY_MAX_TOKEN_BYTES));
    return new GatewaySettings(
        c.get(Keys.HOST),
        c.get(Keys.PORT),
        protocol(c),
        c.get(Keys.HANDSHAKE_TIMEOUT_MS),
        c.get(Keys.DELIVERY_TIMEOUT_MS),
        c.get(Keys.DELIVERY_PUBLISH_IN),
        c.get(Keys.VERTICLES_CRYPTO),
        c.get(Keys.LIMITS_MAX_CONNECTIONS),
        c.get(Keys.LIMITS_MAX_HANDSHAKES),
        c.get(Keys.LIMITS_MAX_INFLIGHT_PER_CONNECTION),
        c.get(Keys.PROXY_PROTOCOL),
        legacy);
  }

  /** {@code dataDir} is the opened data directory, which holds the inbox file. */
  static InboxSettings inbox(NodeConfig c, Path dataDir) {
    return new InboxSettings(
        dataDir.resolve(c.get(Keys.INBOX_FILE)),
        c.get(Keys.INBOX_MAX_BATCH),
        c.get(Keys.INBOX_PRINT),
        c.get(Keys.INBOX_MAX_QUEUE),
        c.get(Keys.INBOX_MIN_FREE_BYTES),
        c.get(Keys.INBOX_MAX_FILE_BYTES));
  }

  /** How long a connection holds the commands it sends before another one may send them. */
  static final long QUEUE_LEASE_MS = 120_000;

  static dev.slmp.commands.QueueSettings queue(NodeConfig c) {
    return new dev.slmp.commands.QueueSettings(
        c.get(Keys.QUEUE_MAX_PER_DEVICE),
        c.get(Keys.QUEUE_DEFAULT_TTL_SECONDS),
        c.get(Keys.QUEUE_MAX_DEVICES),
        QUEUE_LEASE_MS,
        c.get(Keys.QUEUE_EXPIRY_SWEEP_SECONDS),
        c.get(Keys.DEVICE_MAX_BODY));
  }

  static BridgeSettings bridge(NodeConfig c) {
    return new BridgeSettings(
        c.get(Keys.BRIDGE_HOST),
        c.get(Keys.BRIDGE_PORT),
        c.get(Keys.BRIDGE_INBOUND),
        c.get(Keys.BRIDGE_OUTBOUND),
        c.get(Keys.BRIDGE_MAX_FRAME_BYTES),
        java.nio.file.Path.of(c.get(Keys.DATA_DIR)).resolve(BridgeSettings.TOKEN_FILE));
  }

  static dev.slmp.sink.KafkaSettings kafka(NodeConfig c, String nodeId) {
    return new dev.slmp.sink.KafkaSettings(
        c.get(Keys.KAFKA_BOOTSTRAP_SERVERS),
        c.get(Keys.KAFKA_TOPIC),
        c.get(Keys.KAFKA_PROPERTIES),
        c.get(Keys.KAFKA_TIMEOUT_MS),
        c.get(Keys.KAFKA_COMMAND_TOPIC),
        c.get(Keys.KAFKA_RECEIPT_TOPIC),
        nodeId);
  }

  /** Whether the built-in inbox runs: enabled, and the sink is the inbox. */
  static boolean inboxRuns(NodeConfig c) {
    return c.get(Keys.INBOX_ENABLED) && c.get(Keys.SINK).equals("inbox");
  }

  static AdminSettings admin(NodeConfig c, Path dataDir) {
    return new AdminSettings(
        c.get(Keys.ADMIN_HOST),
        c.get(Keys.ADMIN_PORT),
        pathOrNull(c.get(Keys.ADMIN_TLS_KEY_STORE)),
        c.get(Keys.ADMIN_TLS_KEY_STORE_PASSWORD),
        pathOrNull(c.get(Keys.ADMIN_TLS_CERT_FILE)),
        pathOrNull(c.get(Keys.ADMIN_TLS_KEY_FILE)),
        dataDir,
        c.get(Keys.CLUSTER_STORE_TIMEOUT_MS),
        c.get(Keys.CLUSTER_EXPECTED_SIZE),
        inboxRuns(c),
        c.get(Keys.SINK).equals("kafka"),
        c.get(Keys.DELIVERY_TIMEOUT_MS));
  }

  private static Path pathOrNull(String file) {
    return file.isEmpty() ? null : Path.of(file);
  }
}
