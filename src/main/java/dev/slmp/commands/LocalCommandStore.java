package dev.slmp.commands;

import dev.slmp.downlink.Command;
import dev.slmp.downlink.CommandStore;
import dev.slmp.downlink.DeviceQueue;
import dev.slmp.downlink.DeviceQueue.Change;
import dev.slmp.downlink.DeviceQueue.Status;
import dev.slmp.downlink.Outcome;
import dev.slmp.downlink.Receipt;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A standalone node's queues: in memory, behind one lock (each operation is a few list steps), and
 * in {@link CommandLog}: an enqueue is answered once its line is fsynced, so a restart loses no
 * answered command. Leases are not written: after a restart nothing is held. A wake-up with nothing
 * queued costs one hash lookup and no stage: {@link #claim} answers at once.
 */
public final class LocalCommandStore implements CommandStore {
  /** Rewrite the log once it has this many lines more than twice what is queued. */
  private static final int COMPACT_SLACK = 10_000;

  private final Vertx vertx;
  private final QueueSettings settings;

  /** Changed under the store's lock; read without it by {@link #nothingFor} (the wake-up path). */
  private final Map<String, DeviceQueue> queues = new java.util.concurrent.ConcurrentHashMap<>();

  private final CommandLog log;

  private LocalCommandStore(Vertx vertx, QueueSettings settings, CommandLog log) {
    this.vertx = vertx;
    this.settings = settings;
    this.log = log;
  }

  /**
   * Reads {@code <dataDir>/commands.jsonl}, keeps what is still queued (blocking: call on a
   * worker).
   */
  public static LocalCommandStore open(Vertx vertx, Path dataDir, QueueSettings settings)
      throws IOException {
    // Every enqueued command not yet done, in the order of the log.
    Map<String, JsonObject> open = new java.util.LinkedHashMap<>();
    for (JsonObject line : CommandLog.read(dataDir)) {
      String key = line.getString("device") + "\n" + line.getString("id");
      if ("enqueue".equals(line.getString("op"))) {
        open.put(key, line);
      } else {
        open.remove(key);
      }
    }
    Map<String, DeviceQueue> replayed = new HashMap<>();
    List<JsonObject> live = new ArrayList<>();
    for (JsonObject line : open.values()) {
      try {
        Command c = commandOf(line);
        replayed
            .computeIfAbsent(c.device(), DeviceQueue::new)
            .enqueue(c, Integer.MAX_VALUE, Long.MIN_VALUE);
        live.add(line);
      } catch (RuntimeException e) {
        // a line this version cannot read is skipped like a torn one
      }
    }
    LocalCommandStore store =
        new LocalCommandStore(vertx, settings, CommandLog.compactAndOpen(dataDir, live));
    store.queues.putAll(replayed);
    return store;
  }

  private static Command commandOf(JsonObject line) {
    return new Command(
        line.getString("id"),
        line.getString("device"),
        line.getString("topic"),
        Base64.getDecoder().decode(line.getString("payload")),
        line.getBoolean("ack"),
        line.getLong("enqueuedAt"),
        line.getLong("expiresAt"));
  }

  private static JsonObject enqueueLine(Command c) {
    return new JsonObject()
        .put("op", "enqueue")
        .put("device", c.device())
        .put("id", c.id())
        .put("topic", c.topic())
        .put("payload", Base64.getEncoder().encodeToString(c.payload()))
        .put("ack", c.ack())
        .put("enqueuedAt", c.enqueuedAt())
        .put("expiresAt", c.expiresAt());
  }

  private static JsonObject doneLine(Receipt r) {
    return new JsonObject()
        .put("op", "done")
        .put("device", r.device())
        .put("id", r.id())
        .put("outcome", r.outcome().name())
        .put("at", r.at());
  }

  /** Writes the receipts' lines (under the lock, so in order); forgets an empty queue. */
  private void record(DeviceQueue q, Change change) {
    for (Receipt r : change.receipts()) {
      log.append(doneLine(r));
    }
    if (q.isEmpty()) {
      queues.remove(q.device());
    }
    if (log.lines() > COMPACT_SLACK + 2L * total()) {
      List<JsonObject> live = new ArrayList<>();
      for (DeviceQueue each : queues.values()) {
        for (DeviceQueue.Entry e : each.pending()) {
          live.add(enqueueLine(e.command()));
        }
      }
      log.compact(live);
    }
  }

  private long total() {
    long n = 0;
    for (DeviceQueue q : queues.values()) {
      n += q.size();
    }
    return n;
  }

  @Override
  public CompletionStage<Change> enqueue(Command c, long now) {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<Void> durable;
    Change change;
    synchronized (this) {
      DeviceQueue q = queues.get(c.device());
      if (q == null) {
        if (queues.size() >= settings.maxDevices()) {
          return CompletableFuture.completedFuture(
              new Change(Status.NODE_FULL, List.of(), List.of()));
        }
        q = new DeviceQueue(c.device());
        queues.put(c.device(), q);
      }
      change = q.enqueue(c, settings.maxPerDevice(), now);
      durable =
          change.status() == Status.OK
              ? log.append(enqueueLine(c))
              : CompletableFuture.completedFuture(null);
      record(q, change);
    }
    return Future.fromCompletionStage(durable.thenApply(v -> change), ctx).toCompletionStage();
  }

  @Override
  public CompletionStage<Change> claim(String device, String connection, long now) {
    synchronized (this) {
      DeviceQueue q = queues.get(device);
      if (q == null) {
        return CompletableFuture.completedFuture(EMPTY);
      }
      Change change = q.claim(connection, now, settings.leaseMs());
      record(q, change);
      return CompletableFuture.completedFuture(change);
    }
  }

  private static final Change EMPTY = new Change(Status.OK, List.of(), List.of());

  /** True when a claim now would find nothing (the gateway skips it then). */
  public boolean nothingFor(String device) {
    return !queues.containsKey(device);
  }

  @Override
  public CompletionStage<Change> settle(String device, String id, Outcome outcome, long now) {
    return apply(device, q -> q.settle(id, outcome, now));
  }

  @Override
  public CompletionStage<Change> release(String device, String connection) {
    return apply(device, q -> q.release(connection));
  }

  @Override
  public CompletionStage<Change> cancel(String device, String id, long now) {
    return apply(device, q -> q.cancel(id, now));
  }

  private CompletionStage<Change> apply(
      String device, java.util.function.Function<DeviceQueue, Change> op) {
    synchronized (this) {
      DeviceQueue q = queues.get(device);
      if (q == null) {
        return CompletableFuture.completedFuture(
            new Change(Status.UNKNOWN_ID, List.of(), List.of()));
      }
      Change change = op.apply(q);
      record(q, change);
      return CompletableFuture.completedFuture(change);
    }
  }

  @Override
  public CompletionStage<DeviceQueue> view(String device, long now) {
    synchronized (this) {
      DeviceQueue q = queues.get(device);
      if (q == null) {
        return CompletableFuture.completedFuture(new DeviceQueue(device));
      }
      record(q, q.expire(now));
      // A copy: the caller reads it on its own thread.
      return CompletableFuture.completedFuture(DeviceQueue.decode(device, q.encode()));
    }
  }

  @Override
  public CompletionStage<List<Receipt>> expireAll(long now) {
    List<Receipt> all = new ArrayList<>();
    synchronized (this) {
      for (DeviceQueue q : new ArrayList<>(queues.values())) {
        Change c = q.expire(now);
        all.addAll(c.receipts());
        record(q, c);
      }
    }
    return CompletableFuture.completedFuture(all);
  }

  @Override
  public long queues() {
    return queues.size();
  }

  /** Stops the log's writer (the node is stopping). */
  public void close() {
    log.close();
  }
}
