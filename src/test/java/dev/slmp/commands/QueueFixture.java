package dev.slmp.commands;

import static dev.slmp.testkit.Await.await;

import dev.slmp.bus.Addresses;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.testkit.DeviceOnRaw;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the queue tests share: enqueue requests, the receipts seen, the frames a device read. */
final class QueueFixture {
  private QueueFixture() {}

  /** Every receipt published on {@code slmp.out.receipt} on {@code vertx}, from now on. */
  static List<JsonObject> receipts(Vertx vertx) {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c =
        vertx.eventBus().consumer(Addresses.RECEIPT, m -> seen.add(m.body()));
    await(c.completion());
    return seen;
  }

  static JsonObject command(String device, String topic, String payload, boolean ack) {
    return new JsonObject()
        .put("device", device)
        .put("topic", topic)
        .put(
            "payload", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)))
        .put("ack", ack);
  }

  static Future<JsonObject> enqueue(Vertx vertx, JsonObject request) {
    return vertx.eventBus().<JsonObject>request(Addresses.COMMANDS, request).map(Message::body);
  }

  /** The outcomes of {@code id} among {@code receipts}, in order. */
  static List<String> outcomes(List<JsonObject> receipts, String id) {
    return receipts.stream()
        .filter(r -> id.equals(r.getString("id")))
        .map(r -> r.getString("outcome"))
        .toList();
  }

  /** The types of the frames the node sent {@code d}, in order ("WELCOME", "DATA", "ACK"...). */
  static List<String> frameTypes(DeviceOnRaw d) {
    return d.raw.received.stream().map(Frame::type).map(FrameType::name).toList();
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
