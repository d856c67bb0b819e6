package dev.slmp.testkit;

import dev.slmp.bus.Addresses;
import dev.slmp.client.SlmpClient;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.StaticKey;
import dev.slmp.node.NodeServices;
import dev.slmp.node.SlmpNode;
import dev.slmp.protocol.KeySchedule;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The tests' one in-process node: a real {@link SlmpNode} deployed on a test's Vert.x, on 127.0.0.1
 * with a random gateway port, a data directory the test owns and inbox printing off, then whatever
 * JSON {@code overrides} the test gives; and devices provisioned on it (registered with their own
 * key, or derived from the node's master secret).
 */
public final class TestNode {
  private final Vertx vertx;
  private final SlmpNode node;
  private final String deploymentId;
  private final Path dataDir;

  private TestNode(Vertx vertx, SlmpNode node, String deploymentId, Path dataDir) {
    this.vertx = vertx;
    this.node = node;
    this.deploymentId = deploymentId;
    this.dataDir = dataDir;
  }

  /**
   * The test configuration: loopback, port 0, admin port 0, {@code dataDir}, no inbox printing;
   * then {@code overrides}.
   */
  public static JsonObject config(Path dataDir, JsonObject overrides) {
    JsonObject c =
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", 0)
            .put("dataDir", dataDir.toString())
            .put("inbox", new JsonObject().put("print", false))
            .put("admin", new JsonObject().put("port", 0));
    return c.mergeIn(overrides, true);
  }

  /** Deploys a node on {@code vertx}; completes once it listens. */
  public static Future<TestNode> start(Vertx vertx, Path dataDir, JsonObject overrides) {
    SlmpNode node = new SlmpNode();
    return vertx
        .deployVerticle(node, new DeploymentOptions().setConfig(config(dataDir, overrides)))
        .map(id -> new TestNode(vertx, node, id, dataDir));
  }

  /** Undeploys the node (its Vert.x keeps running). */
  public Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  public SlmpNode node() {
    return node;
  }

  public NodeServices services() {
    return node.services();
  }

  public int port() {
    return node.port();
  }

  /** The admin server's port ({@code admin.port} 0 in tests: any free one). */
  public int adminPort() {
    return node.adminPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  public String nodeId() {
    return node.services().nodeId();
  }

  public Vertx vertx() {
    return vertx;
  }

  public StaticKey key(Suite suite) {
    return suite.group() == DhGroup.p256() ? services().data().p256() : services().data().x25519();
  }

  /** A device whose key is derived from the node's master secret (no registration needed). */
  public DeviceIdentity derivedDevice(String id, Suite suite) {
    byte[] key =
        KeySchedule.deviceKey(
            services().data().masterSecret(), id.getBytes(StandardCharsets.UTF_8));
    return new DeviceIdentity(id, key, suite, key(suite).publicKey());
  }

  /** A device registered with its own random key. */
  public DeviceIdentity registeredDevice(String id, Suite suite) throws IOException {
    byte[] key = Bytes.unhex(services().data().registry().add(id));
    return new DeviceIdentity(id, key, suite, key(suite).publicKey());
  }

  /**
   * A real client ({@link SlmpClient}, P-256 + AES-128-GCM) of a derived device, connected and
   * established; every DATA the node sends it goes to {@code onMessage}.
   */
  public Future<SlmpClient> client(String id, Consumer<InboundMessage> onMessage) {
    SlmpClient.Options o =
        SlmpClient.Options.of("127.0.0.1", port(), derivedDevice(id, Suite.P256_AES128GCM));
    return SlmpClient.connect(vertx, o, null)
        .compose(
            c -> {
              c.onMessage(onMessage::accept);
              return c.established().map(c);
            });
  }

  /**
   * A request to {@code slmp.out.<device>}, retried briefly while no consumer is registered yet
   * (the gateway registers it right after WELCOME, so a device can see WELCOME a moment before it
   * exists) or while an old connection's consumer is going away.
   */
  public static Future<Message<JsonObject>> requestOut(
      Vertx vertx, String device, JsonObject body) {
    return requestOut(vertx, device, body, 20);
  }

  private static Future<Message<JsonObject>> requestOut(
      Vertx vertx, String device, JsonObject body, int tries) {
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.out(device), body)
        .recover(
            err -> {
              // Also while a taken-over connection's consumer is being unregistered: Vert.x
              // discards what reaches it.
              if (tries > 0
                  && err instanceof ReplyException re
                  && (re.failureType() == ReplyFailure.NO_HANDLERS
                      || String.valueOf(re.getMessage()).startsWith("Discarded"))) {
                return vertx.timer(50).compose(v -> requestOut(vertx, device, body, tries - 1));
              }
              return Future.failedFuture(err);
            });
  }

  /** {@code s} in UTF-8. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A TCP port on loopback that was free a moment ago (for listeners that cannot take port 0, e.g.
   * the bridge).
   */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
