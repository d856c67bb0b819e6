package dev.slmp.cluster;

import com.hazelcast.map.IMap;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.session.SessionRecord;
import dev.slmp.session.SessionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The cluster's session store: a Hazelcast {@code IMap} with entry TTL = session expiry, one
 * synchronous backup and split-brain protection (see {@link ClusterSetup}); {@code rs} sealed with
 * the cluster key ({@link StoredSession}); the resume counter advanced by an entry processor on the
 * partition owner. An operation that fails or takes longer than {@code timeoutMs} fails, which the
 * handshake turns into {@code CLOSE(BUSY)} (fail closed). Stages complete on the caller's Vert.x
 * context.
 */
public final class HazelcastSessionStore implements SessionStore {
  private final Vertx vertx;
  private final IMap<String, byte[]> map;

  /**
   * Each device's live session id (hex), with the session's TTL: a new session replaces the
   * previous one.
   */
  private final IMap<String, String> byDevice;

  private final byte[] clusterKey;
  private final long timeoutMs;
  private final LongSupplier clock;

  public HazelcastSessionStore(
      Vertx vertx,
      IMap<String, byte[]> map,
      IMap<String, String> byDevice,
      byte[] clusterKey,
      long timeoutMs,
      LongSupplier clockSeconds) {
    this.vertx = vertx;
    this.map = map;
    this.byDevice = byDevice;
    this.clusterKey = clusterKey.clone();
    this.timeoutMs = timeoutMs;
    this.clock = clockSeconds;
  }

  /**
   * Bounds the wait and brings the result back to the caller's context (Hazelcast completes on its
   * own threads).
   */
  private <T> CompletionStage<T> bounded(CompletionStage<T> stage) {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<T> timed =
        stage.toCompletableFuture().orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    return Future.fromCompletionStage(timed, ctx).toCompletionStage();
  }

  private static <T> CompletionStage<T> attempt(
      java.util.concurrent.Callable<CompletionStage<T>> op) {
    try {
      return op.call();
    } catch (Exception e) {
      // Hazelcast throws synchronously in a minority partition (split-brain protection) or when
      // shut down.
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Void> put(SessionRecord r) {
    long ttl = r.expires() - clock.getAsLong();
    if (ttl <= 0) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("session already expired"));
    }
    byte[] value = StoredSession.seal(r, clusterKey);
    String id = Bytes.hex(r.sessionId());
    return bounded(
        attempt(
            () ->
                map.setAsync(id, value, ttl, TimeUnit.SECONDS)
                    .thenCompose(v -> byDevice.putAsync(r.deviceId(), id, ttl, TimeUnit.SECONDS))
                    .thenCompose(
                        previous ->
                            previous == null || previous.equals(id)
                                ? CompletableFuture.completedFuture(null)
                                : map.removeAsync(previous).thenApply(removed -> null))));
  }

  @Override
  public CompletionStage<Void> deleteDevice(String deviceId) {
    return bounded(
        attempt(
            () ->
                byDevice
                    .removeAsync(deviceId)
                    .thenCompose(
                        id ->
                            id == null
                                ? CompletableFuture.completedFuture(null)
                                : map.removeAsync(id).thenApply(removed -> null))));
  }

  @Override
  public CompletionStage<SessionRecord> get(byte[] sessionId) {
    long now = clock.getAsLong();
    return bounded(attempt(() -> map.getAsync(Bytes.hex(sessionId))))
        .thenApply(
            v -> {
              if (v == null || StoredSession.expires(v) <= now) {
                return null;
              }
              try {
                return StoredSession.open(sessionId, v, clusterKey);
              } catch (OpenFailedException e) {
                // Sealed under another cluster key (or altered): not a session this cluster can
                // resume.
                return null;
              }
            });
  }

  @Override
  public CompletionStage<Advance> advanceCounter(byte[] sessionId, long counter) {
    AdvanceCounter op = new AdvanceCounter(counter, clock.getAsLong());
    return bounded(attempt(() -> map.submitToKey(Bytes.hex(sessionId), op)))
        .thenApply(Advance::valueOf);
  }
}
