package dev.slmp.gateway;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delivery.publishIn: false}: nothing on {@code slmp.in}, while {@code slmp.deliver} and its
 * ACK work as before.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PublishInOffTest {
  @TempDir Path dataDir;

  /**
   * Verifies that with publishIn off a message goes to slmp.deliver and is ACCEPTED, while nothing
   * is published on slmp.in, neither that message nor an earlier one without ACK.
   */
  @Test
  void deliverWithoutPublishing(Vertx vertx) {
    // GIVEN a node with publishIn off, and an slmp.in observer and an slmp.deliver consumer on one
    // context: the node
    // publishes a message before it asks slmp.deliver, so whatever slmp.in got is counted before
    // the delivery runs
    JsonObject cfg =
        new JsonObject()
            .put("inbox", new JsonObject().put("enabled", false))
            .put("delivery", new JsonObject().put("publishIn", false));
    AtomicInteger observed = new AtomicInteger();
    Promise<JsonObject> delivered = Promise.promise();
    Promise<Integer> observedAtDelivery = Promise.promise();
    Context consumers = vertx.getOrCreateContext();
    Promise<Void> listening = Promise.promise();
    consumers.runOnContext(
        v ->
            vertx
                .eventBus()
                .<JsonObject>consumer(Addresses.IN, m -> observed.incrementAndGet())
                .completion()
                .compose(
                    x ->
                        vertx
                            .eventBus()
                            .<JsonObject>consumer(
                                Addresses.DELIVER,
                                m -> {
                                  observedAtDelivery.tryComplete(observed.get());
                                  delivered.tryComplete(m.body());
                                  m.reply(null);
                                })
                            .completion())
                .onComplete(listening));
    await(listening.future());
    TestNode node = await(TestNode.start(vertx, dataDir, cfg));
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice("quiet", Suite.X25519_CHACHA20POLY1305)));
    await(d.handshake());

    // WHEN the device sends DATA without ACK, then DATA with ACK
    d.send("t", "not observed");
    AckStatus status = await(d.sendWithAck("t", "m"));

    // THEN the second one was delivered and ACCEPTED
    assertEquals(AckStatus.ACCEPTED, status);
    assertEquals("quiet", await(delivered.future()).getString("device"));
    // AND slmp.in had received nothing when slmp.deliver got it (nor has it since)
    assertEquals(0, await(observedAtDelivery.future()), "slmp.in must stay silent");
    assertEquals(0, observed.get(), "slmp.in must stay silent");
  }
}
