package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code delivery.publishIn: false}: nothing on {@code slmp.in}, while {@code slmp.deliver} and its ACK work as before. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class PublishInOffTest {
  @TempDir
  Path dataDir;

  @Test
  void deliverWithoutPublishing(Vertx vertx, VertxTestContext ctx) {
    JsonObject cfg = new JsonObject().put("inbox", new JsonObject().put("enabled", false))
        .put("delivery", new JsonObject().put("publishIn", false));
    AtomicInteger observed = new AtomicInteger();
    JsonObject[] delivered = new JsonObject[1];
    MessageConsumer<JsonObject> observer = vertx.eventBus().consumer(Addresses.IN, m -> observed.incrementAndGet());
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.DELIVER, m -> {
      delivered[0] = m.body();
      m.reply(null);
    });
    observer.completion().compose(v -> consumer.completion())
        .compose(v -> TestNode.start(vertx, dataDir, cfg))
        .compose(node -> DeviceOnRaw.connect(vertx, node.port(), node.derivedDevice("quiet", Suite.X25519_CHACHA20POLY1305))
            .compose(d -> d.handshake().compose(t -> {
              d.send("t", "not observed");
              return d.sendWithAck("t", "m");
            })))
        .onComplete(ctx.succeeding(status -> vertx.setTimer(200, id -> ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, status);
          assertEquals("quiet", delivered[0].getString("device"));
          assertEquals(0, observed.get(), "slmp.in must stay silent");
          ctx.completeNow();
        }))));
  }
}
