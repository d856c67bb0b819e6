package dev.slmp.admin;

import dev.slmp.bus.Addresses;
import dev.slmp.gateway.ConnectionRegistry;
import dev.slmp.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How one node's admin API reaches the device connections of every node: each node (admin server or
 * not) answers on {@code slmp.internal.admin.<nodeId>}, and the API asks every cluster member
 * there. A member that does not answer in time is reported, not waited for.
 */
public final class NodeAdminBus {
  static final long TIMEOUT_MS = 2000;

  private NodeAdminBus() {}

  /** Registers this node's answers: {@code {"op":"connections"}} and {@code {"op":"close",…}}. */
  public static Future<Void> register(Vertx vertx, String nodeId, ConnectionRegistry connections) {
    return vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.adminNode(nodeId), m -> answer(m, connections))
        .completion();
  }

  private static void answer(Message<JsonObject> m, ConnectionRegistry connections) {
    JsonObject b = m.body();
    String op = b == null ? null : b.getString("op");
    if ("connections".equals(op)) {
      m.reply(new JsonObject().put("connections", json(connections.list())));
    } else if ("close".equals(op) && b.getValue("device") instanceof String device) {
      boolean closed = connections.close(device, CloseCode.NORMAL, "closed by operator");
      m.reply(new JsonObject().put("closed", closed));
    } else {
      m.fail(Addresses.FAIL_BAD_REQUEST, "op must be connections or close");
    }
  }

  static JsonArray json(List<ConnectionRegistry.Info> list) {
    JsonArray out = new JsonArray();
    for (ConnectionRegistry.Info i : list) {
      out.add(
          new JsonObject()
              .put("device", i.device())
              .put("node", i.node())
              .put("remoteAddress", i.remoteAddress())
              .put("suite", i.suite())
              .put("resumed", i.resumed())
              .put("since", i.since())
              .put("messagesIn", i.messagesIn())
              .put("messagesOut", i.messagesOut()));
    }
    return out;
  }

  /** One answer per node, in {@code nodes} order; a node that failed gives a failed future. */
  static List<Future<JsonObject>> askAll(Vertx vertx, List<String> nodes, JsonObject question) {
    List<Future<JsonObject>> answers = new ArrayList<>();
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(TIMEOUT_MS);
    for (String n : nodes) {
      answers.add(
          vertx
              .eventBus()
              .<JsonObject>request(Addresses.adminNode(n), question, o)
              .map(Message::body));
    }
    return answers;
  }
}
