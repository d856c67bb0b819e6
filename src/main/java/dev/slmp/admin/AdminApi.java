package dev.slmp.admin;

import dev.slmp.bus.Addresses;
import dev.slmp.datadir.DeviceRegistry;
import dev.slmp.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The admin API under {@code /api} (documented in {@code docs/admin-api.yaml}): JSON in and out,
 * every call with {@code Authorization: Bearer <dataDir/admin.token>} or 401. Registry changes are
 * written to this node's {@code devices.json}; the node's registry verticle hands them to every
 * node, and a revoke ends the device's live connections everywhere with {@code CLOSE(AUTH_FAILED)}
 * and deletes its sessions. Every change is logged with what changed, never a key.
 */
final class AdminApi {
  private static final System.Logger LOG = System.getLogger(AdminApi.class.getName());

  /** Bodies are small JSON objects; a message's payload is at most a frame (16 MiB in base64). */
  static final long MAX_BODY = 24L << 20;

  private final Vertx vertx;
  private final AdminSettings settings;
  private final AdminContext node;
  private final AdminToken token;

  AdminApi(Vertx vertx, AdminSettings settings, AdminContext node, AdminToken token) {
    this.vertx = vertx;
    this.settings = settings;
    this.node = node;
    this.token = token;
  }

  /** The routes mounted, as {@code "METHOD /path/{param}"}: checked against docs/admin-api.yaml. */
  final List<String> routes = new ArrayList<>();

  void mount(Router router) {
    router.route("/api/*").handler(this::authorize);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    on(router, "GET /api/devices", this::listDevices);
    on(router, "POST /api/devices", this::addDevice);
    on(router, "GET /api/devices/{id}", this::getDevice);
    on(router, "POST /api/devices/{id}/revoke", ctx -> revoke(ctx, true));
    on(router, "POST /api/devices/{id}/reinstate", ctx -> revoke(ctx, false));
    on(router, "POST /api/devices/{id}/messages", this::sendMessage);
    on(router, "DELETE /api/devices/{id}/sessions", this::deleteSessions);
    AdminCommands commands = new AdminCommands(node == null ? null : node.downlink());
    on(router, "POST /api/devices/{id}/commands", commands::enqueue);
    on(router, "GET /api/devices/{id}/commands", commands::list);
    on(router, "DELETE /api/devices/{id}/commands/{cid}", commands::cancel);
    on(router, "GET /api/connections", this::listConnections);
    on(router, "DELETE /api/connections/{device}", this::kick);
    on(router, "GET /api/cluster", this::cluster);
    on(router, "GET /api/stats", this::stats);
    router.route("/api/*").handler(ctx -> error(ctx, 404, "no such API route"));
  }

  /** Mounts {@code handler} on {@code "METHOD /path/{param}"} (OpenAPI's path syntax). */
  private void on(Router router, String route, io.vertx.core.Handler<RoutingContext> handler) {
    routes.add(route);
    int space = route.indexOf(' ');
    String path = route.substring(space + 1).replaceAll("\\{([a-z]+)}", ":$1");
    router
        .route(io.vertx.core.http.HttpMethod.valueOf(route.substring(0, space)), path)
        .handler(handler);
  }

  private void authorize(RoutingContext ctx) {
    if (token.accepts(ctx.request().getHeader("Authorization"))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"slmp-admin\"");
    error(ctx, 401, "missing or wrong bearer token (dataDir/admin.token)");
  }

  private void listDevices(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (DeviceRegistry.Entry e : node.devices().list()) {
      out.add(device(e.id(), e.registered(), e.revoked()));
    }
    json(ctx, 200, new JsonObject().put("devices", out));
  }

  private JsonObject device(String id, boolean registered, boolean revoked) {
    return new JsonObject()
        .put("id", id)
        .put("registered", registered)
        .put("revoked", revoked)
        .put("connectedHere", node.connections().isConnected(id));
  }

  private void getDevice(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!validId(ctx, id)) {
      return;
    }
    DeviceRegistry r = node.devices();
    boolean registered = r.isRegistered(id);
    boolean revoked = r.isRevoked(id);
    if (!registered && !revoked) {
      error(ctx, 404, "device is neither registered nor revoked");
      return;
    }
    json(ctx, 200, device(id, registered, revoked));
  }

  private void addDevice(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    Object id = body.getValue("id");
    if (!(id instanceof String sid) || !validId(ctx, sid)) {
      if (!ctx.response().ended()) {
        error(ctx, 400, "body must be {\"id\": string}");
      }
      return;
    }
    blocking(ctx, () -> node.devices().add(sid))
        .onSuccess(
            key -> {
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: device " + printable(sid) + " added" + from(ctx));
              // The only time the key is shown: it is not logged and cannot be read back.
              json(ctx, 201, new JsonObject().put("id", sid).put("key", key));
            });
  }

  private void revoke(RoutingContext ctx, boolean revoke) {
    String id = ctx.pathParam("id");
    if (!validId(ctx, id)) {
      return;
    }
    blocking(
            ctx,
            () -> {
              if (revoke) {
                node.devices().revoke(id);
                // A reinstated device must not resume a session from before its revocation.
                node.sessions().deleteDevice(id);
              } else {
                node.devices().reinstate(id);
              }
              return null;
            })
        .onSuccess(
            v -> {
              boolean closed =
                  revoke && node.connections().close(id, CloseCode.AUTH_FAILED, "device revoked");
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: device "
                      + printable(id)
                      + (revoke ? " revoked" : " reinstated")
                      + (closed ? ", its connection on this node closed" : "")
                      + from(ctx));
              json(
                  ctx,
                  200,
                  device(id, node.devices().isRegistered(id), revoke)
                      .put("connectionClosed", closed));
            });
  }

  /**
   * Drops the device's sessions from the store (cluster-wide on a cluster): its next wake-up is a
   * full handshake.
   */
  private void deleteSessions(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!validId(ctx, id)) {
      return;
    }
    Future.fromCompletionStage(node.sessions().deleteDevice(id), vertx.getOrCreateContext())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                error(ctx, 503, "the session store did not answer; try again");
                return;
              }
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: sessions of device " + printable(id) + " deleted" + from(ctx));
              json(ctx, 200, new JsonObject().put("device", id).put("sessionsDeleted", true));
            });
  }

  private void sendMessage(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = body(ctx);
    if (body == null || !validId(ctx, id)) {
      return;
    }
    Object topic = body.getValue("topic", "");
    Object payload = body.getValue("payload", "");
    Object ack = body.getValue("ack", false);
    if (!(topic instanceof String)
        || !(payload instanceof String p)
        || !(ack instanceof Boolean)
        || !isBase64(p)) {
      error(ctx, 400, "body must be {\"topic\": string, \"payload\": base64, \"ack\": bool}");
      return;
    }
    JsonObject out = new JsonObject().put("topic", topic).put("payload", p).put("ack", ack);
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.out(id),
            out,
            new DeliveryOptions().setSendTimeout(settings.deliveryTimeoutMs() + 1000))
        .onSuccess(
            reply -> {
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: message sent to device "
                      + printable(id)
                      + " ("
                      + reply.body().getString("status")
                      + ")"
                      + from(ctx));
              json(ctx, 200, reply.body());
            })
        .onFailure(
            err -> {
              if (err instanceof ReplyException re) {
                if (re.failureType() == ReplyFailure.NO_HANDLERS) {
                  error(ctx, 404, "device is not connected");
                  return;
                }
                if (re.failureType() == ReplyFailure.TIMEOUT) {
                  error(ctx, 504, "no answer from the device's node in time");
                  return;
                }
                if (re.failureCode() == Addresses.FAIL_BAD_REQUEST) {
                  error(ctx, 400, re.getMessage());
                  return;
                }
                if (re.failureCode() == Addresses.FAIL_CONNECTION_LOST) {
                  error(ctx, 409, re.getMessage());
                  return;
                }
              }
              error(ctx, 500, "sending failed");
            });
  }

  /** Every node's connections, newest first; members that did not answer are listed apart. */
  private void listConnections(RoutingContext ctx) {
    List<String> nodes = members();
    List<Future<JsonObject>> answers =
        NodeAdminBus.askAll(vertx, nodes, new JsonObject().put("op", "connections"));
    Future.join(answers)
        .onComplete(
            done -> {
              List<JsonObject> all = new ArrayList<>();
              JsonArray unreachable = new JsonArray();
              for (int i = 0; i < nodes.size(); i++) {
                Future<JsonObject> a = answers.get(i);
                if (a.succeeded()) {
                  a.result().getJsonArray("connections").forEach(c -> all.add((JsonObject) c));
                } else {
                  unreachable.add(nodes.get(i));
                }
              }
              all.sort((x, y) -> Long.compare(y.getLong("since"), x.getLong("since")));
              json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("node", node.nodeId())
                      .put("connections", new JsonArray(new ArrayList<>(all)))
                      .put("unreachable", unreachable));
            });
  }

  /** Asks every node to close the device's connection: CLOSE(NORMAL, "closed by operator"). */
  private void kick(RoutingContext ctx) {
    String id = ctx.pathParam("device");
    if (!validId(ctx, id)) {
      return;
    }
    List<Future<JsonObject>> answers =
        NodeAdminBus.askAll(
            vertx, members(), new JsonObject().put("op", "close").put("device", id));
    Future.join(answers)
        .onComplete(
            done -> {
              boolean closed =
                  answers.stream()
                      .anyMatch(a -> a.succeeded() && a.result().getBoolean("closed", false));
              if (!closed) {
                error(ctx, 404, "device is not connected to any node that answered");
                return;
              }
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: connection of device " + printable(id) + " closed" + from(ctx));
              json(ctx, 200, new JsonObject().put("device", id).put("closed", true));
            });
  }

  private List<String> members() {
    return vertx.isClustered()
        ? new ArrayList<>(((VertxInternal) vertx).clusterManager().getNodes())
        : List.of(node.nodeId());
  }

  private void cluster(RoutingContext ctx) {
    JsonObject out =
        new JsonObject().put("node", node.nodeId()).put("clustered", vertx.isClustered());
    if (vertx.isClustered()) {
      java.util.List<String> members = ((VertxInternal) vertx).clusterManager().getNodes();
      out.put("members", new JsonArray(new java.util.ArrayList<>(members)))
          .put("expectedSize", settings.expectedSize())
          .put("majority", members.size() >= settings.expectedSize() / 2 + 1);
    } else {
      out.put("members", new JsonArray().add(node.nodeId()));
    }
    json(ctx, 200, out);
  }

  /** Totals for the status page, which turns two of them into rates. */
  private void stats(RoutingContext ctx) {
    java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
    for (Counter c : node.metrics().find("slmp.refusals").counters()) {
      sorted.put(c.getId().getTag("reason"), (long) c.count());
    }
    JsonObject refusals = new JsonObject(new java.util.LinkedHashMap<>(sorted));
    json(
        ctx,
        200,
        new JsonObject()
            .put("node", node.nodeId())
            .put("at", System.currentTimeMillis())
            .put("connections", node.connections().openConnections())
            .put("handshakes", sum("slmp.handshakes"))
            .put("messages", sum("slmp.messages"))
            .put("refusals", refusals));
  }

  private long sum(String name) {
    double total = 0;
    for (Counter c : node.metrics().find(name).counters()) {
      total += c.count();
    }
    return (long) total;
  }

  private static boolean isBase64(String s) {
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean validId(RoutingContext ctx, String id) {
    try {
      DeviceRegistry.validateId(id);
      return true;
    } catch (IllegalArgumentException | NullPointerException e) {
      error(ctx, 400, "bad device id: " + e.getMessage());
      return false;
    }
  }

  static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body().asJsonObject();
      if (b == null) {
        error(ctx, 400, "a JSON object body is required");
      }
      return b;
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "body is not a JSON object");
      return null;
    }
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return vertx
        .executeBlocking(work)
        .onFailure(
            e -> {
              if (e instanceof IllegalArgumentException) {
                error(ctx, e.getMessage().contains("already") ? 409 : 400, e.getMessage());
              } else {
                LOG.log(System.Logger.Level.WARNING, "admin API: registry change failed: " + e);
                error(ctx, 500, "registry change failed (see the node's log)");
              }
            });
  }

  /**
   * A device id as it may appear in a log line: control and format characters escaped, so an id
   * cannot forge or hide log lines.
   */
  static String printable(String id) {
    StringBuilder b = new StringBuilder(id.length());
    id.codePoints()
        .forEach(
            cp -> {
              int type = Character.getType(cp);
              if (type == Character.CONTROL
                  || type == Character.FORMAT
                  || type == Character.LINE_SEPARATOR
                  || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.toString();
  }

  static String from(RoutingContext ctx) {
    return " (admin API client " + ctx.request().remoteAddress() + ")";
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }
}
