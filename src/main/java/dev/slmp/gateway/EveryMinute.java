package dev.slmp.gateway;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets a repetitive log line through at most once per minute and counts what it held back, so that
 * a flood of connections cannot flood the log (Californium's FilteredLogger does the same).
 * Thread-safe.
 */
final class EveryMinute {
  private static final long MINUTE_MS = 60_000;
  private final LongSupplier clockMs;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong heldBack = new AtomicLong();

  EveryMinute(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  /**
   * -1 when this occurrence stays silent, else how many were held back since the last one let
   * through.
   */
  long occurrence() {
    long now = clockMs.getAsLong();
    long next = nextAllowed.get();
    if (now >= next && nextAllowed.compareAndSet(next, now + MINUTE_MS)) {
      return heldBack.getAndSet(0);
    }
    heldBack.incrementAndGet();
    return -1;
  }
}
