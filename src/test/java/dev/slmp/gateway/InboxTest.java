package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.LocalCodec;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable inbox under concurrent devices: every ACCEPTED message is one whole line of the file
 * (none lost, none interleaved), and a body that cannot be written as JSON is refused on its own
 * without stopping the writer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class InboxTest {
  @TempDir Path dataDir;

  /**
   * Verifies that messages of concurrent devices, many batches interleaved, each end up as one
   * whole line in the inbox.
   */
  @Test
  void concurrentDevicesEachMessageOneWholeLine(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a node whose inbox writes batches of at most 16
    // WHEN 8 devices send 40 messages each, all in flight at once
    // THEN every message is ACCEPTED and is in the file once, on a line of its own
    int devices = 8;
    int perDevice = 40;
    TestNode.start(
            vertx,
            dataDir,
            new JsonObject().put("inbox", new JsonObject().put("print", false).put("maxBatch", 16)))
        .compose(
            node -> {
              List<Future<Void>> all = new ArrayList<>();
              for (int d = 0; d < devices; d++) {
                String id = "inbox-" + d;
                all.add(
                    DeviceOnRaw.connect(
                            vertx,
                            node.port(),
                            node.derivedDevice(id, Suite.X25519_CHACHA20POLY1305))
                        .compose(
                            dev ->
                                dev.handshake()
                                    .compose(
                                        t -> {
                                          // All of one device's messages in flight at once: many
                                          // batches, interleaved with other devices.
                                          List<Future<AckStatus>> acks = new ArrayList<>();
                                          for (int i = 0; i < perDevice; i++) {
                                            acks.add(dev.sendWithAck("t", id + "/" + i));
                                          }
                                          return Future.all(acks)
                                              .map(
                                                  cf -> {
                                                    for (int i = 0; i < perDevice; i++) {
                                                      if (cf.resultAt(i) != AckStatus.ACCEPTED) {
                                                        throw new IllegalStateException(
                                                            id
                                                                + " message "
                                                                + i
                                                                + ": "
                                                                + cf.resultAt(i));
                                                      }
                                                    }
                                                    return (Void) null;
                                                  });
                                        })));
              }
              return Future.all(all);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          List<String> lines = Files.readAllLines(dataDir.resolve("inbox.jsonl"));
                          Set<String> payloads =
                              lines.stream()
                                  .map(
                                      l ->
                                          new String(
                                              Base64.getDecoder()
                                                  .decode(new JsonObject(l).getString("payload"))))
                                  .collect(Collectors.toSet());
                          assertEquals(
                              devices * perDevice, lines.size(), "one line per accepted message");
                          assertEquals(devices * perDevice, payloads.size(), "each message once");
                          assertTrue(payloads.contains("inbox-7/39"));
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that a delivery body JSON cannot write is refused on its own and the inbox goes on
   * writing.
   */
  @Test
  void aBodyThatIsNotJsonIsRefusedAloneAndTheWriterGoesOn(Vertx vertx, VertxTestContext ctx) {
    // GIVEN a node with the inbox on
    // WHEN an application hands slmp.deliver a body JSON cannot write, then a device sends a
    // message
    // THEN the bad body is REJECTED, and the file holds only the good message
    TestNode.start(
            vertx, dataDir, new JsonObject().put("inbox", new JsonObject().put("print", false)))
        .compose(
            node -> {
              // Handed over as is (no copy), so the inbox itself meets the value JSON cannot write.
              JsonObject bad = new JsonObject().put("device", "app").put("payload", new Object());
              Future<Object> refused =
                  vertx
                      .eventBus()
                      .request(
                          Addresses.DELIVER,
                          bad,
                          new DeliveryOptions().setCodecName(LocalCodec.JSON_HANDOVER))
                      .map(m -> (Object) m.body());
              return refused.transform(
                  ar -> {
                    ctx.verify(
                        () -> {
                          assertTrue(ar.failed(), "refused");
                          ReplyException re = (ReplyException) ar.cause();
                          assertEquals(Addresses.FAIL_REJECTED, re.failureCode());
                          assertEquals("body cannot be written as JSON", re.getMessage());
                        });
                    return DeviceOnRaw.connect(
                            vertx,
                            node.port(),
                            node.derivedDevice("after-bad", Suite.P256_AES128GCM))
                        .compose(
                            d -> d.handshake().compose(t -> d.sendWithAck("t", "still written")));
                  });
            })
        .onComplete(
            ctx.succeeding(
                status ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.ACCEPTED, status);
                          List<String> lines = Files.readAllLines(dataDir.resolve("inbox.jsonl"));
                          assertEquals(1, lines.size(), "only the good message: " + lines);
                          assertEquals(
                              "after-bad", new JsonObject(lines.get(0)).getString("device"));
                          ctx.completeNow();
                        })));
  }

  /**
   * A crash left a torn last line: the node moves it aside at start (and logs the file it went to),
   * so the next message is a whole JSON line of its own instead of being glued onto the fragment.
   */
  @Test
  void aTornLineLeftByACrashIsRepairedAtStart(Vertx vertx, VertxTestContext ctx) throws Exception {
    String before = new JsonObject().put("device", "old").encode() + "\n";
    Files.writeString(dataDir.resolve("inbox.jsonl"), before + "{\"device\":\"torn\",\"pay");
    List<String> logged = new ArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("dev.slmp.inbox.InboxFile");
    java.util.logging.Handler h =
        new java.util.logging.Handler() {
          @Override
          public synchronized void publish(java.util.logging.LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(h);
    TestNode.start(vertx, dataDir, new JsonObject())
        .compose(
            node ->
                DeviceOnRaw.connect(
                        vertx,
                        node.port(),
                        node.derivedDevice("after-crash", Suite.X25519_CHACHA20POLY1305))
                    .compose(d -> d.handshake().compose(t -> d.sendWithAck("t", "whole"))))
        .onComplete(
            ctx.succeeding(
                status ->
                    ctx.verify(
                        () -> {
                          logger.removeHandler(h);
                          assertEquals(AckStatus.ACCEPTED, status);
                          List<String> lines = Files.readAllLines(dataDir.resolve("inbox.jsonl"));
                          assertEquals(2, lines.size(), lines.toString());
                          assertEquals("old", new JsonObject(lines.get(0)).getString("device"));
                          assertEquals(
                              "after-crash",
                              new JsonObject(lines.get(1)).getString("device"),
                              "a line of its own");
                          List<Path> torn;
                          try (var files = Files.list(dataDir)) {
                            torn =
                                files
                                    .filter(
                                        f ->
                                            f.getFileName()
                                                .toString()
                                                .startsWith("inbox.jsonl.torn-"))
                                    .toList();
                          }
                          assertEquals(1, torn.size());
                          assertEquals("{\"device\":\"torn\",\"pay", Files.readString(torn.get(0)));
                          String name = torn.get(0).getFileName().toString();
                          synchronized (h) {
                            assertTrue(
                                logged.stream().anyMatch(m -> m.contains(name)),
                                "the log names " + name + ": " + logged);
                          }
                          ctx.completeNow();
                        })));
  }

  /**
   * Below {@code inbox.minFreeBytes} a device is told NOT_DELIVERED instead of the node filling the
   * disk.
   */
  @Test
  void belowMinFreeBytesADeviceGetsNotDelivered(Vertx vertx, VertxTestContext ctx) {
    JsonObject huge =
        new JsonObject().put("inbox", new JsonObject().put("minFreeBytes", Long.MAX_VALUE / 2));
    TestNode.start(vertx, dataDir, huge)
        .compose(
            node ->
                DeviceOnRaw.connect(
                        vertx, node.port(), node.derivedDevice("disk-full", Suite.P256_AES128GCM))
                    .compose(d -> d.handshake().compose(t -> d.sendWithAck("t", "no room"))))
        .onComplete(
            ctx.succeeding(
                status ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.NOT_DELIVERED, status);
                          assertEquals(
                              0, Files.size(dataDir.resolve("inbox.jsonl")), "nothing written");
                          ctx.completeNow();
                        })));
  }
}
