package dev.slmp.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way a test waits for a condition that no future announces (a file's content, a log line,
 * a counter): poll it every {@link #POLL} until it holds, or fail with what was awaited. Futures
 * are awaited with {@link Await}.
 */
public final class Eventually {
  /** Short enough that a test never waits noticeably longer than the condition takes. */
  public static final Duration POLL = Duration.ofMillis(10);

  private Eventually() {}

  /**
   * Returns once {@code condition} holds; throws an {@link AssertionError} naming {@code
   * description} after {@code timeout}.
   */
  public static void until(BooleanSupplier condition, Duration timeout, String description) {
    until(condition, timeout, () -> description);
  }

  /**
   * As {@link #until(BooleanSupplier, Duration, String)}; {@code description} is built only on
   * failure (it may show state).
   */
  public static void until(
      BooleanSupplier condition, Duration timeout, Supplier<String> description) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + description.get());
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + description.get(), e);
      }
    }
  }
}
