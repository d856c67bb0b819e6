package dev.slmp.commands;

import dev.slmp.bus.Addresses;
import dev.slmp.datadir.DeviceRegistry;
import dev.slmp.downlink.Command;
import dev.slmp.downlink.CommandStore;
import dev.slmp.downlink.DeviceQueue;
import dev.slmp.downlink.DeviceQueue.Change;
import dev.slmp.downlink.Outcome;
import dev.slmp.downlink.Receipt;
import dev.slmp.metrics.SlmpMeters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A node's side of the downlink queue, shared by its verticles: takes enqueue requests (checks the
 * request and the device, stores the command, tells the device's connection, if any, to look), and
 * runs the store's other operations for the gateway and the admin API, publishing every outcome on
 * {@code slmp.out.receipt} and counting it. Thread-safe; futures complete on the caller's context.
 */
public final class Downlink {
  public static final int FAIL_BAD_REQUEST = Addresses.FAIL_BAD_REQUEST;
  public static final int FAIL_REVOKED = Addresses.FAIL_REVOKED;
  public static final int FAIL_UNKNOWN_DEVICE = Addresses.FAIL_UNKNOWN_DEVICE;
  public static final int FAIL_DUPLICATE = Addresses.FAIL_DUPLICATE;
  public static final int FAIL_QUEUE_FULL = Addresses.FAIL_QUEUE_FULL;
  public static final int FAIL_UNAVAILABLE = Addresses.FAIL_UNAVAILABLE;

  /** The header of the notice on {@code slmp.out.<device>} that makes a connection claim. */
  public static final String POLL_HEADER = "slmp-queue";

  private final Vertx vertx;
  private final CommandStore store;
  private final QueueSettings settings;
  private final DeviceRegistry registry;
  private final SlmpMeters meters;

  public Downlink(
      Vertx vertx,
      CommandStore store,
      QueueSettings settings,
      DeviceRegistry registry,
      SlmpMeters meters) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
    this.registry = registry;
    this.meters = meters;
  }

  public CommandStore store() {
    return store;
  }

  public QueueSettings settings() {
    return settings;
  }

  /**
   * Whether a new connection of {@code device} must claim before it answers anything: false only
   * when the store can tell at once that nothing is queued (a standalone node, in memory).
   */
  public boolean mayHaveCommands(String device) {
    return !(store instanceof LocalCommandStore local) || !local.nothingFor(device);
  }

  /**
   * Queues the command {@code request} describes; completes with {@code {"id", "status": "QUEUED"}}
   * once it is durable, or fails with a {@link CommandRequest.Refused} (code and a message naming
   * what is wrong).
   */
  public Future<JsonObject> enqueue(Object request) {
    long now = System.currentTimeMillis();
    Command c;
    try {
      c = CommandRequest.parse(request, settings, now);
    } catch (CommandRequest.Refused r) {
      return Future.failedFuture(r);
    }
    if (registry.isRevoked(c.device())) {
      return Future.failedFuture(
          new CommandRequest.Refused(FAIL_REVOKED, "device '" + c.device() + "' is revoked"));
    }
    byte[] key = registry.deviceKey(c.device());
    if (key == null) {
      return Future.failedFuture(
          new CommandRequest.Refused(
              FAIL_UNKNOWN_DEVICE,
              "device '" + c.device() + "' is not registered (and the node derives no keys)"));
    }
    Arrays.fill(key, (byte) 0);
    return Future.fromCompletionStage(store.enqueue(c, now))
        .recover(
            e ->
                Future.failedFuture(
                    new CommandRequest.Refused(
                        FAIL_UNAVAILABLE, "the command store failed: " + e.getMessage())))
        .compose(
            change -> {
              publish(change.receipts());
              switch (change.status()) {
                case OK -> {
                  meters.commandQueued();
                  poll(c.device());
                  return Future.succeededFuture(
                      new JsonObject().put("id", c.id()).put("status", "QUEUED"));
                }
                case FULL -> {
                  meters.commandRefused();
                  return Future.failedFuture(
                      new CommandRequest.Refused(
                          FAIL_QUEUE_FULL,
                          "device '"
                              + c.device()
                              + "' has "
                              + settings.maxPerDevice()
                              + " commands queued (queue.maxPerDevice)"));
                }
                case NODE_FULL -> {
                  meters.commandRefused();
                  return Future.failedFuture(
                      new CommandRequest.Refused(
                          FAIL_QUEUE_FULL,
                          settings.maxDevices()
                              + " devices have queued commands (queue.maxDevices)"));
                }
                default ->
                    throw new CommandRequest.Refused(
                        FAIL_DUPLICATE, "a command with id '" + c.id() + "' is queued already");
              }
            });
  }

  /** Tells the device's connection, wherever it is, to claim what waits (nothing if none). */
  private void poll(String device) {
    vertx
        .eventBus()
        .send(
            Addresses.out(device),
            new JsonObject(),
            new DeliveryOptions().addHeader(POLL_HEADER, "poll"));
  }

  public Future<Change> claim(String device, String connection) {
    return Future.fromCompletionStage(store.claim(device, connection, System.currentTimeMillis()))
        .onSuccess(c -> publish(c.receipts()));
  }

  public Future<Change> settle(String device, String id, Outcome outcome) {
    return Future.fromCompletionStage(store.settle(device, id, outcome, System.currentTimeMillis()))
        .onSuccess(c -> publish(c.receipts()));
  }

  /**
   * Frees what {@code connection} held. When that was something, another live connection of the
   * device (one that claimed while these were held, e.g. on another node) is told to claim again:
   * otherwise they would wait for its next wake-up.
   */
  public Future<Change> release(String device, String connection) {
    return Future.fromCompletionStage(store.release(device, connection))
        .onSuccess(
            c -> {
              if (!c.commands().isEmpty()) {
                poll(device);
              }
            });
  }

  public Future<Change> cancel(String device, String id) {
    return Future.fromCompletionStage(store.cancel(device, id, System.currentTimeMillis()))
        .onSuccess(c -> publish(c.receipts()));
  }

  /** {@code {"device", "queued": [...], "recent": [...]}} for the admin API. */
  public Future<JsonObject> view(String device) {
    return Future.fromCompletionStage(store.view(device, System.currentTimeMillis()))
        .map(
            q -> {
              JsonArray queued = new JsonArray();
              for (DeviceQueue.Entry e : q.pending()) {
                Command c = e.command();
                queued.add(
                    new JsonObject()
                        .put("id", c.id())
                        .put("topic", c.topic())
                        .put("payload", Base64.getEncoder().encodeToString(c.payload()))
                        .put("ack", c.ack())
                        .put("enqueuedAt", c.enqueuedAt())
                        .put("expiresAt", c.expiresAt())
                        .put("sending", e.leasedBy() != null));
              }
              JsonArray recent = new JsonArray();
              for (Receipt r : q.recent()) {
                recent.add(receiptJson(r));
              }
              return new JsonObject()
                  .put("device", device)
                  .put("queued", queued)
                  .put("recent", recent);
            });
  }

  /** One sweep for expired commands. */
  public Future<List<Receipt>> expire() {
    return Future.fromCompletionStage(store.expireAll(System.currentTimeMillis()))
        .onSuccess(this::publish);
  }

  static JsonObject receiptJson(Receipt r) {
    return new JsonObject()
        .put("id", r.id())
        .put("device", r.device())
        .put("outcome", r.outcome().name())
        .put("at", r.at());
  }

  private void publish(List<Receipt> receipts) {
    for (Receipt r : receipts) {
      meters.command(r.outcome());
      vertx.eventBus().publish(Addresses.RECEIPT, receiptJson(r));
    }
  }
}
