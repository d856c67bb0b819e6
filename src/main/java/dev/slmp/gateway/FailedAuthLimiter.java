package dev.slmp.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-source-address rate of failed authentications (spec 9): past {@code perMinute} failures
 * within a minute, the address is refused with {@code CLOSE(BUSY)} for {@code blockSeconds}.
 * Thread-safe; stale entries are dropped by {@link #purge()}.
 */
public final class FailedAuthLimiter {
  private static final long WINDOW_MS = 60_000;

  private record Entry(long windowStart, int failures, long blockedUntil) {}

  private final ConcurrentHashMap<String, Entry> byAddress = new ConcurrentHashMap<>();
  private final int perMinute;
  private final long blockMs;
  private final LongSupplier clockMs;

  public FailedAuthLimiter(int perMinute, int blockSeconds, LongSupplier clockMs) {
    this.perMinute = perMinute;
    this.blockMs = blockSeconds * 1000L;
    this.clockMs = clockMs;
  }

  /** Seconds the address must wait, or 0 when it may connect. */
  public long blockedSeconds(String address) {
    Entry e = byAddress.get(address);
    long now = clockMs.getAsLong();
    return e == null || e.blockedUntil <= now
        ? 0
        : Math.max(1, (e.blockedUntil - now + 999) / 1000);
  }

  public void recordFailure(String address) {
    long now = clockMs.getAsLong();
    byAddress.compute(
        address,
        (k, e) -> {
          if (e == null || now - e.windowStart >= WINDOW_MS) {
            e = new Entry(now, 0, e == null ? 0 : e.blockedUntil);
          }
          int n = e.failures + 1;
          return new Entry(e.windowStart, n, n >= perMinute ? now + blockMs : e.blockedUntil);
        });
  }

  /** Drops addresses with no recent failure and no block. */
  public void purge() {
    long now = clockMs.getAsLong();
    byAddress.values().removeIf(e -> now - e.windowStart >= WINDOW_MS && e.blockedUntil <= now);
  }
}
