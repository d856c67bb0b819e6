package dev.slmp.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.DeviceMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox verticle on the event bus: what a delivery is answered when the queue or the disk
 * cannot take it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class InboxVerticleTest {
  @TempDir Path dir;

  private InboxSettings settings(int maxBatch, int maxQueue) {
    return new InboxSettings(
        dir.resolve("inbox.jsonl"), maxBatch, false, maxQueue, 0, Long.MAX_VALUE);
  }

  private static JsonObject message(String text) {
    return new DeviceMessage(
            "d", "t", text.getBytes(StandardCharsets.UTF_8), 1, null, "n", 0, false)
        .toJson();
  }

  /** The failure code of a refused delivery, 0 when it was accepted. */
  private static Future<Integer> deliver(Vertx vertx, String text) {
    return vertx
        .eventBus()
        .request(Addresses.DELIVER, message(text))
        .transform(
            ar ->
                Future.succeededFuture(
                    ar.succeeded() ? 0 : ((ReplyException) ar.cause()).failureCode()));
  }

  private List<String> written() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("inbox.jsonl"))) {
      out.add(
          new String(
              DeviceMessage.fromJson(new JsonObject(line)).payload(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void pastMaxQueueADeliveryIsAnsweredNotDeliveredAtOnce(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    FaultyDisk disk = new FaultyDisk();
    CountDownLatch gate = new CountDownLatch(1);
    disk.writeGate = gate;
    vertx.deployVerticle(new InboxVerticle(settings(1, 3), System.out, disk)).await();
    Future<Integer> first = deliver(vertx, "m0");
    // The writer holds m0 in a write that waits; the queue fills behind it.
    assertTrue(disk.writesEntered.await(10, TimeUnit.SECONDS));
    List<Future<Integer>> queued =
        List.of(deliver(vertx, "m1"), deliver(vertx, "m2"), deliver(vertx, "m3"));
    int overflow = deliver(vertx, "m4").await();
    assertEquals(InboxVerticle.FAIL_NOT_DELIVERED, overflow, "the fourth waiting message");
    gate.countDown();
    disk.writeGate = null;
    assertEquals(0, first.await());
    for (Future<Integer> q : queued) {
      assertEquals(0, q.await());
    }
    assertEquals(0, deliver(vertx, "m5").await(), "room again once the disk took the queue");
    assertEquals(List.of("m0", "m1", "m2", "m3", "m5"), written());
    ctx.completeNow();
  }

  @Test
  void aFailedWriteIsAnsweredNotDeliveredAndTheNextIsAccepted(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    FaultyDisk disk = new FaultyDisk();
    vertx.deployVerticle(new InboxVerticle(settings(16, 100), System.out, disk)).await();
    assertEquals(0, deliver(vertx, "kept").await());
    disk.failWriteAfter.set(10);
    assertEquals(InboxVerticle.FAIL_NOT_DELIVERED, deliver(vertx, "torn by the disk").await());
    disk.failForces.set(1);
    assertEquals(InboxVerticle.FAIL_NOT_DELIVERED, deliver(vertx, "fsync failed").await());
    assertEquals(0, deliver(vertx, "after").await(), "reopened, test write done");
    assertEquals(List.of("kept", "after"), written());
    ctx.completeNow();
  }

  @Test
  void payloadsArePrintedAsVisibleEscapes(Vertx vertx, VertxTestContext ctx) throws Exception {
    CompletableFuture<String> line = new CompletableFuture<>();
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void flush() {
            String s = toString(StandardCharsets.UTF_8);
            if (s.endsWith(System.lineSeparator())) {
              line.complete(s);
            }
          }
        };
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    InboxSettings s =
        new InboxSettings(dir.resolve("inbox.jsonl"), 16, true, 100, 0, Long.MAX_VALUE);
    vertx.deployVerticle(new InboxVerticle(s, out, new FaultyDisk())).await();
    byte[] payload =
        "\u001b[2Jcleared\r\nAuthenticated message from admin: forged\0\u202e\\end"
            .getBytes(StandardCharsets.UTF_8);
    vertx
        .eventBus()
        .publish(
            Addresses.IN,
            new DeviceMessage("dev\u001b[31m", "t", payload, 1, null, "n", 0, false).toJson());
    String printed = line.get(10, TimeUnit.SECONDS);
    assertEquals(
        "Authenticated message from dev\\x1b[31m: \\x1b[2Jcleared\\r\\nAuthenticated message from admin:"
            + " forged\\x00\\u{202e}\\\\end"
            + System.lineSeparator(),
        printed);
    assertTrue(
        printed.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' || c == 0x7f),
        "no control character but the line's own end");
    ctx.completeNow();
  }
}
