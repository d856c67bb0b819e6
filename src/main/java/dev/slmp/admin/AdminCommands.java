package dev.slmp.admin;

import static dev.slmp.admin.AdminApi.error;
import static dev.slmp.admin.AdminApi.json;

import dev.slmp.commands.CommandRequest;
import dev.slmp.commands.Downlink;
import dev.slmp.downlink.Command;
import dev.slmp.downlink.DeviceQueue;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin API's routes of the downlink queue: {@code POST /api/devices/{id}/commands} queues a
 * command (202 once it is durable), {@code GET} lists what is queued and the recent outcomes, and
 * {@code DELETE …/commands/{cid}} cancels one. The same checks and codes as {@code slmp.commands}.
 */
final class AdminCommands {
  private static final System.Logger LOG = System.getLogger(AdminCommands.class.getName());
  private final Downlink downlink;

  AdminCommands(Downlink downlink) {
    this.downlink = downlink;
  }

  void enqueue(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = AdminApi.body(ctx);
    if (body == null || !AdminApi.validId(ctx, id)) {
      return;
    }
    if (body.containsKey("device") || body.containsKey("queue")) {
      error(ctx, 400, "the device is named by the path: no 'device' or 'queue' field");
      return;
    }
    downlink
        .enqueue(body.copy().put("device", id))
        .onSuccess(
            reply -> {
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: command "
                      + reply.getString("id")
                      + " queued for device "
                      + AdminApi.printable(id)
                      + AdminApi.from(ctx));
              json(ctx, 202, reply);
            })
        .onFailure(
            e ->
                error(ctx, e instanceof CommandRequest.Refused r ? r.code() : 500, e.getMessage()));
  }

  void list(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!AdminApi.validId(ctx, id)) {
      return;
    }
    downlink
        .view(id)
        .onSuccess(v -> json(ctx, 200, v))
        .onFailure(e -> error(ctx, 503, "the command store did not answer"));
  }

  void cancel(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String cid = ctx.pathParam("cid");
    if (!AdminApi.validId(ctx, id)) {
      return;
    }
    if (!Command.validId(cid)) {
      error(ctx, 400, "bad command id");
      return;
    }
    downlink
        .cancel(id, cid)
        .onSuccess(
            change -> {
              if (change.status() != DeviceQueue.Status.OK) {
                error(ctx, 404, "no queued command '" + cid + "' for this device");
                return;
              }
              LOG.log(
                  System.Logger.Level.INFO,
                  "admin API: command "
                      + cid
                      + " of device "
                      + AdminApi.printable(id)
                      + " cancelled"
                      + AdminApi.from(ctx));
              json(
                  ctx,
                  200,
                  new JsonObject().put("id", cid).put("device", id).put("outcome", "CANCELLED"));
            })
        .onFailure(e -> error(ctx, 503, "the command store did not answer"));
  }
}
