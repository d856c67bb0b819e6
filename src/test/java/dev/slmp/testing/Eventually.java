package dev.slmp.testing;

import java.util.function.BooleanSupplier;

/** Waits for a condition instead of a fixed sleep: polls briefly, fails naming what never happened. */
public final class Eventually {
  private Eventually() {}

  public static void until(BooleanSupplier condition, String what) {
    until(condition, 10_000, what);
  }

  public static void until(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeoutMs + " ms: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what);
      }
    }
  }
}
