package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.RawDevice;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's graceful shutdown, in order: readiness 503 first, no new connections, the ACK of a
 * delivery in flight still reaches its device, and only then {@code CLOSE(NORMAL, "server shutting
 * down")}.
 */
class GracefulShutdownTest {
  @TempDir Path dir;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void readinessDownThenInFlightAckThenCloseNormal() throws Exception {
    TestNode node =
        await(
            TestNode.start(
                vertx, dir, new JsonObject().put("inbox", new JsonObject().put("enabled", false))));
    // An application that holds each delivery until the test lets it go.
    List<io.vertx.core.eventbus.Message<Object>> held = new CopyOnWriteArrayList<>();
    Promise<Void> arrived = Promise.promise();
    await(
        vertx
            .eventBus()
            .consumer(
                Addresses.DELIVER,
                m -> {
                  held.add(m);
                  arrived.tryComplete();
                })
            .completion());
    AdminHttp api = new AdminHttp(node.adminPort(), "unused");
    assertEquals(200, api.get("/health/ready").status());
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice("in-flight", Suite.P256_AES128GCM)));
    await(d.handshake());
    Future<AckStatus> ack = d.sendWithAck("t", "owed an answer");
    await(arrived.future());

    Future<Void> stopped = node.node().shutdown();
    AdminHttp.Reply ready = api.get("/health/ready");
    assertEquals(503, ready.status(), ready.body());
    assertTrue(ready.body().contains("shutdown"), ready.body());
    // No new device is taken.
    int port = node.port();
    dev.slmp.testkit.Eventually.until(
        () ->
            await(
                RawDevice.connect(vertx, port)
                    .transform(ar -> Future.succeededFuture(ar.failed()))),
        java.time.Duration.ofSeconds(5),
        "connections refused once shutdown began");
    // The device still waits for its ACK: nothing closed it meanwhile.
    assertTrue(!d.raw.closeFrame().isComplete(), "no CLOSE before the owed ACK");
    held.get(0).reply(null);
    assertEquals(AckStatus.ACCEPTED, await(ack));
    byte[] close = await(d.raw.closeFrame()).body();
    assertEquals(CloseCode.NORMAL.code(), close[0] & 0xFF);
    assertEquals(
        "server shutting down", new String(close, 1, close.length - 1, StandardCharsets.UTF_8));
    await(stopped);
  }
}
