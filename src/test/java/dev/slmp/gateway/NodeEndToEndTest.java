package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.session.DeviceTicket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** For each suite, through a running node on 127.0.0.1: handshake, DATA with and without ACK, the inbox, outbound DATA, resumption. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class NodeEndToEndTest {
  @TempDir
  static Path dataDir;
  static TestNode node;
  static final List<JsonObject> inbound = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startNode(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer(Addresses.IN, m -> inbound.add(m.body())).completion()
        .compose(v -> TestNode.start(vertx, dataDir, new JsonObject()))
        .onComplete(ctx.succeeding(n -> {
          node = n;
          ctx.completeNow();
        }));
  }

  private static List<JsonObject> from(String device) {
    return inbound.stream().filter(m -> device.equals(m.getString("device"))).toList();
  }

  private static String text(JsonObject m) {
    return new String(Base64.getDecoder().decode(m.getString("payload")), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void dataWithAndWithoutAckReachesConsumersAndTheInbox(Suite suite, Vertx vertx, VertxTestContext ctx) {
    String id = "e2e-data-" + suite.id();
    DeviceIdentity dev = node.derivedDevice(id, suite);
    DeviceOnRaw.connect(vertx, node.port(), dev).compose(d -> d.handshake().compose(ticket -> {
      d.send("sensors/temp", "21.5");
      return d.sendWithAck("sensors/temp", "21.7").map(status -> {
        ctx.verify(() -> {
          assertEquals(AckStatus.ACCEPTED, status);
          // ACCEPTED only after the line is on disk.
          String inbox = Files.readString(dataDir.resolve("inbox.jsonl"));
          assertTrue(inbox.lines().map(JsonObject::new).anyMatch(l -> id.equals(l.getString("device")) && "21.7".equals(text(l))),
              "the ACKed message is in the inbox file when the ACK arrives");
          assertFalse(inbox.contains("\"21.5\""), "a message without ACK_REQUESTED is not sent to slmp.deliver");
          List<JsonObject> got = from(id);
          assertEquals(2, got.size(), "both messages published on slmp.in");
          JsonObject first = got.get(0);
          assertEquals("sensors/temp", first.getString("topic"));
          assertEquals("21.5", text(first));
          assertEquals(1L, first.getLong("seq"));
          assertEquals(Bytes.hex(ticket.sessionId()), first.getString("session"));
          assertEquals(node.node.services().nodeId(), first.getString("node"));
          assertTrue(Math.abs(System.currentTimeMillis() - first.getLong("receivedAt")) < 60_000);
          assertEquals(2L, got.get(1).getLong("seq"));
        });
        return d;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void outboundDataReachesTheDeviceAndRepliesAfterItsAck(Suite suite, Vertx vertx, VertxTestContext ctx) {
    String id = "e2e-out-" + suite.id();
    DeviceIdentity dev = node.derivedDevice(id, suite);
    DeviceOnRaw.connect(vertx, node.port(), dev).compose(d -> d.handshake().compose(t -> {
      JsonObject cmd = new JsonObject().put("topic", "cmd/led").put("payload", Base64.getEncoder().encodeToString("on".getBytes()))
          .put("ack", true);
      return TestNode.requestOut(vertx, id, cmd)
          .compose(reply -> {
            ctx.verify(() -> {
              assertEquals("ACCEPTED", reply.body().getString("status"));
              assertEquals(1, d.messages.size());
              assertEquals("cmd/led", d.messages.get(0).topic());
              assertArrayEquals("on".getBytes(), d.messages.get(0).payload());
            });
            JsonObject noAck = new JsonObject().put("topic", "cmd/led").put("payload", Base64.getEncoder().encodeToString("off".getBytes()));
            return vertx.eventBus().<JsonObject>request(Addresses.out(id), noAck);
          })
          .compose(reply -> {
            ctx.verify(() -> assertEquals("WRITTEN", reply.body().getString("status")));
            JsonObject bad = new JsonObject().put("topic", "x").put("payload", "not base64!");
            return vertx.eventBus().<JsonObject>request(Addresses.out(id), bad).map(r -> (Throwable) null).otherwise(e -> e);
          })
          .map(err -> {
            ctx.verify(() -> {
              assertTrue(err instanceof ReplyException, "a bad command body fails");
              assertEquals(Addresses.FAIL_BAD_REQUEST, ((ReplyException) err).failureCode());
            });
            return d;
          });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void resumptionWithEarlyDataOnTheSameNode(Suite suite, Vertx vertx, VertxTestContext ctx) {
    String id = "e2e-resume-" + suite.id();
    DeviceIdentity dev = node.derivedDevice(id, suite);
    Promise<DeviceTicket> ticket = Promise.promise();
    DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(d -> d.handshake().compose(t -> {
          ticket.complete(t);
          return d.raw.socket.close();
        }))
        .compose(v -> DeviceOnRaw.connect(vertx, node.port(), dev))
        .compose(d -> {
          DeviceTicket next = ticket.future().result().nextCounter();
          Future<DeviceTicket> resumed = d.resume(next);
          Future<AckStatus> early = d.sendWithAck("early", "first flight");
          return Future.all(resumed, early).compose(all -> d.sendWithAck("late", "after RESUMED").map(late -> {
            ctx.verify(() -> {
              assertNotNull(resumed.result());
              assertEquals(AckStatus.ACCEPTED, early.result());
              assertEquals(AckStatus.ACCEPTED, late);
              assertTrue(d.device.isResumed());
              assertEquals(1, d.acks.get(0)[1], "the first ACK answers the EARLY DATA");
              List<JsonObject> got = from(id);
              assertEquals(2, got.size());
              assertTrue(got.get(0).getBoolean("early"));
              assertFalse(got.get(1).getBoolean("early"));
            });
            return d;
          }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(value = Suite.class, names = "P256_FERNET")
  void outboundToADeviceNotConnectedFails(Suite suite, Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().request(Addresses.out("nobody-here"), new JsonObject().put("payload", ""))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertTrue(err instanceof ReplyException);
          assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) err).failureType());
          ctx.completeNow();
        })));
  }
}
