package dev.slmp.admin;

import dev.slmp.bus.Addresses;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * The liveness and readiness checks ({@code /health/live}, {@code /health/ready}), on
 * vertx-health-check. Live means the event loop answers. Ready means the node can take a device's
 * message end to end: not shutting down, the SLMP port listening, the data directory writable (a
 * probe file written, fsynced and deleted), the inbox accepting (or the Kafka sink's cluster
 * reachable), the session store answering within {@code cluster.storeTimeoutMs}, and when
 * clustered, Hazelcast's own cluster check plus this node seeing a majority of {@code
 * cluster.expectedSize} (the split-brain rule of the session map).
 */
final class Probes {
  private static final String PROBE_FILE = ".ready-probe";

  private Probes() {}

  static HealthChecks live(Vertx vertx) {
    return HealthChecks.create(vertx).register("event-loop", p -> p.complete(Status.OK()));
  }

  static HealthChecks ready(Vertx vertx, AdminSettings s, AdminContext node) {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register(
        "shutdown",
        p ->
            p.complete(
                node.stopping().getAsBoolean()
                    ? Status.KO(new JsonObject().put("reason", "the node is shutting down"))
                    : Status.OK()));
    checks.register(
        "slmp-port",
        p -> {
          int port = node.slmpPort().getAsInt();
          p.complete(
              port > 0
                  ? Status.OK(new JsonObject().put("port", port))
                  : Status.KO(new JsonObject().put("reason", "the SLMP port is not listening")));
        });
    checks.register("data-dir", 5000, p -> dataDir(vertx, s.dataDir(), p));
    if (s.inbox()) {
      checks.register(
          "inbox",
          p ->
              vertx
                  .eventBus()
                  .request(Addresses.INBOX_HEALTH, null, new DeliveryOptions().setSendTimeout(900))
                  .onComplete(
                      ar ->
                          p.complete(
                              ar.succeeded()
                                  ? Status.OK()
                                  : Status.KO(
                                      new JsonObject().put("reason", ar.cause().getMessage())))));
    }
    if (s.kafkaSink()) {
      checks.register("kafka", p -> ask(vertx, Addresses.SINK_HEALTH, p));
    }
    long storeTimeout = s.storeTimeoutMs();
    checks.register("session-store", storeTimeout + 1000, p -> store(vertx, node, storeTimeout, p));
    if (vertx.isClustered()) {
      checks.register("cluster", 5000, ClusterHealthCheck.createProcedure(vertx));
      checks.register(
          "majority",
          p -> {
            int members = ((VertxInternal) vertx).clusterManager().getNodes().size();
            int needed = s.expectedSize() / 2 + 1;
            JsonObject data =
                new JsonObject()
                    .put("members", members)
                    .put("expectedSize", s.expectedSize())
                    .put("needed", needed);
            p.complete(members >= needed ? Status.OK(data) : Status.KO(data));
          });
    }
    return checks;
  }

  /** A verticle's own health address: an empty reply is OK, a failure says why not. */
  private static void ask(Vertx vertx, String address, Promise<Status> p) {
    vertx
        .eventBus()
        .request(address, null, new DeliveryOptions().setSendTimeout(900))
        .onComplete(
            ar ->
                p.complete(
                    ar.succeeded()
                        ? Status.OK()
                        : Status.KO(new JsonObject().put("reason", ar.cause().getMessage()))));
  }

  private static void dataDir(Vertx vertx, Path dir, Promise<Status> p) {
    vertx
        .executeBlocking(
            () -> {
              Path probe = dir.resolve(PROBE_FILE);
              try (FileChannel ch =
                  FileChannel.open(
                      probe,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.WRITE,
                      StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(new byte[] {'o', 'k'}));
                ch.force(true);
              }
              Files.delete(probe);
              return null;
            },
            false)
        .onComplete(
            ar ->
                p.complete(
                    ar.succeeded()
                        ? Status.OK()
                        : Status.KO(
                            new JsonObject()
                                .put("reason", "data directory not writable")
                                .put("error", String.valueOf(ar.cause())))));
  }

  /** Asks the store for a random (absent) session; any answer in time is healthy. */
  private static void store(Vertx vertx, AdminContext node, long timeoutMs, Promise<Status> p) {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    JsonObject late =
        new JsonObject()
            .put("reason", "no answer within cluster.storeTimeoutMs (" + timeoutMs + " ms)");
    long timer = vertx.setTimer(timeoutMs, t -> p.tryComplete(Status.KO(late)));
    node.sessions()
        .get(id)
        .whenComplete(
            (r, err) -> {
              vertx.cancelTimer(timer);
              Throwable cause =
                  err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                      ? err.getCause()
                      : err;
              // The store bounds its own wait by the same timeout: its TimeoutException and this
              // probe's timer are one condition, whichever fires first.
              p.tryComplete(
                  cause == null
                      ? Status.OK()
                      : cause instanceof java.util.concurrent.TimeoutException
                          ? Status.KO(late)
                          : Status.KO(
                              new JsonObject()
                                  .put("reason", "session store failed")
                                  .put("error", String.valueOf(cause.getMessage()))));
            });
  }
}
