package dev.slmp.commands;

import static dev.slmp.commands.QueueFixture.command;
import static dev.slmp.commands.QueueFixture.enqueue;
import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The node-wide bound and bad requests on the event bus: refused with a code, nothing queued. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueBoundsTest {
  @TempDir Path dataDir;

  @Test
  void theNodeWideBoundRefusesAQueueForAnotherDeviceAndBadBodiesAreRefused(Vertx vertx) {
    await(
        TestNode.start(
            vertx,
            dataDir,
            new JsonObject()
                .put("queue", new JsonObject().put("maxDevices", 1).put("maxPerDevice", 2))));
    assertEquals(
        "QUEUED", await(enqueue(vertx, command("b-1", "t", "x", false))).getString("status"));
    assertEquals(
        "QUEUED", await(enqueue(vertx, command("b-1", "t", "y", false))).getString("status"));
    ReplyException perDevice =
        (ReplyException) failure(enqueue(vertx, command("b-1", "t", "z", false)));
    assertEquals(Addresses.FAIL_QUEUE_FULL, perDevice.failureCode());
    ReplyException nodeWide =
        (ReplyException) failure(enqueue(vertx, command("b-2", "t", "x", false)));
    assertEquals(Addresses.FAIL_QUEUE_FULL, nodeWide.failureCode());
    assertTrue(nodeWide.getMessage().contains("queue.maxDevices"), nodeWide.getMessage());

    Object[][] bad = {
      {"a string", "JSON object"},
      {new JsonObject().put("topic", "t"), "'device' is missing"},
      {new JsonObject().put("device", "").put("topic", "t"), "'device'"},
      {command("b-1", "t", "x", false).put("payload", "%%%"), "'payload'"},
      {new JsonObject().put("device", "b-1"), "'topic' is missing"},
    };
    for (Object[] c : bad) {
      ReplyException e =
          (ReplyException) failure(vertx.eventBus().request(Addresses.COMMANDS, c[0]));
      assertEquals(Addresses.FAIL_BAD_REQUEST, e.failureCode(), String.valueOf(c[0]));
      assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
    }
  }
}
