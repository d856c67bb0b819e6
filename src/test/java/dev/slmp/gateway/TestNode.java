package dev.slmp.gateway;

import dev.slmp.crypto.Suite;
import dev.slmp.handshake.StaticKey;
import dev.slmp.node.SlmpNode;
import dev.slmp.connection.DeviceIdentity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A real node on 127.0.0.1 (random port, a fresh data directory) for tests, and devices provisioned on it. */
final class TestNode {
  final SlmpNode node;
  final String deploymentId;

  private TestNode(SlmpNode node, String deploymentId) {
    this.node = node;
    this.deploymentId = deploymentId;
  }

  /** The test configuration: loopback, port 0, everything else default unless {@code overrides} says so. */
  static JsonObject config(Path dataDir, JsonObject overrides) {
    JsonObject c = new JsonObject().put("host", "127.0.0.1").put("port", 0).put("dataDir", dataDir.toString())
        .put("inbox", new JsonObject().put("print", false));
    return c.mergeIn(overrides, true);
  }

  static Future<TestNode> start(Vertx vertx, Path dataDir, JsonObject overrides) {
    SlmpNode node = new SlmpNode();
    return vertx.deployVerticle(node, new DeploymentOptions().setConfig(config(dataDir, overrides)))
        .map(id -> new TestNode(node, id));
  }

  /**
   * A request to {@code slmp.out.<device>}, retried briefly while no consumer is registered yet (the gateway
   * registers it right after WELCOME, so a device can see WELCOME a moment before it exists) or while an old
   * connection's consumer is going away.
   */
  static Future<io.vertx.core.eventbus.Message<JsonObject>> requestOut(Vertx vertx, String device, JsonObject body) {
    return requestOut(vertx, device, body, 20);
  }

  private static Future<io.vertx.core.eventbus.Message<JsonObject>> requestOut(Vertx vertx, String device, JsonObject body, int tries) {
    return vertx.eventBus().<JsonObject>request(dev.slmp.bus.Addresses.out(device), body).recover(err -> {
      // Also while a taken-over connection's consumer is being unregistered: Vert.x discards what reaches it.
      if (tries > 0 && err instanceof io.vertx.core.eventbus.ReplyException re
          && (re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
              || String.valueOf(re.getMessage()).startsWith("Discarded"))) {
        return vertx.timer(50).compose(v -> requestOut(vertx, device, body, tries - 1));
      }
      return Future.failedFuture(err);
    });
  }

  int port() {
    return node.port();
  }

  StaticKey key(Suite suite) {
    return suite.group() == dev.slmp.crypto.DhGroup.p256() ? node.services().data().p256() : node.services().data().x25519();
  }

  /** A device whose key is derived from the node's master secret. */
  DeviceIdentity derivedDevice(String id, Suite suite) {
    byte[] key = dev.slmp.protocol.KeySchedule.deviceKey(node.services().data().masterSecret(), id.getBytes(StandardCharsets.UTF_8));
    return new DeviceIdentity(id, key, suite, key(suite).publicKey());
  }

  /** A device registered with its own random key. */
  DeviceIdentity registeredDevice(String id, Suite suite) throws java.io.IOException {
    byte[] key = dev.slmp.crypto.Bytes.unhex(node.services().data().registry().add(id));
    return new DeviceIdentity(id, key, suite, key(suite).publicKey());
  }
}
