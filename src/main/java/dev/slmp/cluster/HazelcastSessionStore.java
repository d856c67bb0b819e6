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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The cluster's session store: a Hazelcast {@code IMap} with entry TTL = session expiry, one
 * synchronous backup and split-brain protection (see {@link ClusterSetup}); every value sealed and
 * MACed under keys derived from the cluster key ({@link StoredSession}, {@link ClusterSeal}), and a
 * value that fails its check treated as absent, counted and logged; the resume counter advanced
 * (and re-MACed) by an entry processor on the partition owner. An operation that fails or takes
 * longer than {@code timeoutMs} fails, which the handshake turns into {@code CLOSE(BUSY)} (fail
 * closed). Stages complete on the caller's Vert.x context.
 */
public final class HazelcastSessionStore implements SessionStore {
  private final Vertx vertx;
  private final IMap<String, byte[]> map;
  private static final System.Logger LOG = System.getLogger(HazelcastSessionStore.class.getName());

  /**
   * Each device's live session id, with the session's TTL and a MAC under the cluster key ({@link
   * #indexValue}): a new session replaces the previous one.
   */
  private final IMap<String, String> byDevice;

  private final ClusterSeal seal;
  private final AtomicLong refused = new AtomicLong();
  private final long timeoutMs;
  private final LongSupplier clock;

  public HazelcastSessionStore(
      Vertx vertx,
      IMap<String, byte[]> map,
      IMap<String, String> byDevice,
      ClusterSeal seal,
      long timeoutMs,
      LongSupplier clockSeconds) {
    this.vertx = vertx;
    this.map = map;
    this.byDevice = byDevice;
    this.seal = seal;
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
    byte[] value = StoredSession.seal(r, seal);
    String id = Bytes.hex(r.sessionId());
    return bounded(
        attempt(
            () ->
                map.setAsync(id, value, ttl, TimeUnit.SECONDS)
                    .thenCompose(
                        v ->
                            byDevice.putAsync(
                                r.deviceId(), indexValue(r.deviceId(), id), ttl, TimeUnit.SECONDS))
                    .thenCompose(
                        previous -> {
                          String old = indexedSession(r.deviceId(), previous);
                          return old == null || old.equals(id)
                              ? CompletableFuture.completedFuture(null)
                              : map.removeAsync(old).thenApply(removed -> null);
                        })));
  }

  /** The index entry for a device's session: its id and a MAC that binds it to the device. */
  private String indexValue(String deviceId, String sessionHex) {
    byte[] id = Bytes.unhex(sessionHex);
    return sessionHex
        + "."
        + Bytes.hex(seal.mac(ClusterSetup.SESSIONS_BY_DEVICE_MAP, deviceId, id, 0, id.length));
  }

  /**
   * The session id an index entry names, or null when there is none or the cluster key does not
   * vouch for it (then nothing is deleted on its word, and the refusal is counted).
   */
  private String indexedSession(String deviceId, String value) {
    if (value == null) {
      return null;
    }
    int dot = value.indexOf('.');
    try {
      byte[] id = Bytes.unhex(value.substring(0, dot));
      byte[] tag = Bytes.unhex(value.substring(dot + 1));
      if (seal.verify(ClusterSetup.SESSIONS_BY_DEVICE_MAP, deviceId, id, 0, id.length, tag)) {
        return value.substring(0, dot);
      }
    } catch (RuntimeException malformed) {
      // fall through: not vouched for
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "a session index entry failed its check and was ignored ("
            + refused.incrementAndGet()
            + " so far)");
    return null;
  }

  @Override
  public CompletionStage<Void> deleteDevice(String deviceId) {
    return bounded(
        attempt(
            () ->
                byDevice
                    .removeAsync(deviceId)
                    .thenCompose(
                        value -> {
                          String id = indexedSession(deviceId, value);
                          return id == null
                              ? CompletableFuture.completedFuture(null)
                              : map.removeAsync(id).thenApply(removed -> null);
                        })));
  }

  @Override
  public CompletionStage<SessionRecord> get(byte[] sessionId) {
    long now = clock.getAsLong();
    return bounded(attempt(() -> map.getAsync(Bytes.hex(sessionId))))
        .thenApply(
            v -> {
              if (v == null) {
                return null;
              }
              try {
                SessionRecord r = StoredSession.open(sessionId, v, seal);
                return r.expires() <= now ? null : r;
              } catch (OpenFailedException e) {
                // Written by someone without the cluster key, altered, or sealed under another
                // cluster key: not a session this cluster can resume.
                refused();
                return null;
              }
            });
  }

  @Override
  public CompletionStage<Advance> advanceCounter(byte[] sessionId, long counter) {
    AdvanceCounter op = new AdvanceCounter(counter, clock.getAsLong());
    return bounded(attempt(() -> map.submitToKey(Bytes.hex(sessionId), op)))
        .thenApply(
            answer -> {
              if (AdvanceCounter.REFUSED.equals(answer)) {
                refused();
                return Advance.UNKNOWN;
              }
              return Advance.valueOf(answer);
            });
  }

  /** Values that failed their check, counted; logged at the 1st, 2nd, 4th, 8th … */
  private void refused() {
    long n = refused.incrementAndGet();
    if (Long.bitCount(n) == 1) {
      LOG.log(
          System.Logger.Level.WARNING,
          "a session value in "
              + ClusterSetup.SESSIONS_MAP
              + " failed its cluster-key check and was treated as absent ("
              + n
              + " so far): written by a Hazelcast member without the cluster key, or altered");
    }
  }

  /** Values that failed their check since start. */
  public long refusedValues() {
    return refused.get();
  }
}
