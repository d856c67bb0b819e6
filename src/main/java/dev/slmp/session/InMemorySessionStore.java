package dev.slmp.session;

import dev.slmp.crypto.Bytes;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The session store of a standalone node: a bounded map, expired entries dropped on access and by
 * {@link #purgeExpired()}. Past {@code maxSessions} a new session is refused (the handshake then
 * completes with lifetime 0) rather than evicting a live one.
 */
public final class InMemorySessionStore implements SessionStore {
  private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();

  /** Each device's live session id (hex): a new session replaces the device's previous one. */
  private final Map<String, String> byDevice = new ConcurrentHashMap<>();

  private final LongSupplier clock;
  private final int maxSessions;

  public InMemorySessionStore(LongSupplier clockSeconds, int maxSessions) {
    this.clock = clockSeconds;
    this.maxSessions = maxSessions;
  }

  public InMemorySessionStore() {
    this(() -> System.currentTimeMillis() / 1000, 1_000_000);
  }

  @Override
  public CompletionStage<Void> put(SessionRecord record) {
    if (sessions.size() >= maxSessions) {
      purgeExpired();
      if (sessions.size() >= maxSessions) {
        return CompletableFuture.failedFuture(new IllegalStateException("session store full"));
      }
    }
    String id = Bytes.hex(record.sessionId());
    sessions.put(id, record);
    String previous = byDevice.put(record.deviceId(), id);
    if (previous != null && !previous.equals(id)) {
      sessions.remove(previous);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> deleteDevice(String deviceId) {
    String id = byDevice.remove(deviceId);
    if (id != null) {
      sessions.remove(id);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<SessionRecord> get(byte[] sessionId) {
    SessionRecord r = sessions.get(Bytes.hex(sessionId));
    if (r != null && r.expires() <= clock.getAsLong()) {
      sessions.remove(Bytes.hex(sessionId), r);
      r = null;
    }
    return CompletableFuture.completedFuture(r);
  }

  @Override
  public CompletionStage<Advance> advanceCounter(byte[] sessionId, long counter) {
    Advance[] result = {Advance.UNKNOWN};
    long now = clock.getAsLong();
    sessions.computeIfPresent(
        Bytes.hex(sessionId),
        (k, r) -> {
          if (r.expires() <= now) {
            return null;
          }
          if (counter > r.resumeCounter()) {
            result[0] = Advance.ADVANCED;
            return r.withCounter(counter);
          }
          result[0] = Advance.REPLAY;
          return r;
        });
    return CompletableFuture.completedFuture(result[0]);
  }

  /** Drops expired sessions; returns how many. */
  public int purgeExpired() {
    long now = clock.getAsLong();
    int before = sessions.size();
    sessions.values().removeIf(r -> r.expires() <= now);
    byDevice.values().removeIf(id -> !sessions.containsKey(id));
    return before - sessions.size();
  }

  public int size() {
    return sessions.size();
  }
}
