package dev.slmp.jmh;

import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Inputs prepared before an iteration, each used once. The pool of a measurement iteration is sized
 * from what the previous iteration used (1.6 times that, plus 256), and filled on both cores. If an
 * iteration still runs past its end, further items are made inline (that time is measured) and
 * counted, and a warning is printed: the benchmark's figure is then pessimistic. Warm-up iterations
 * may instead recycle a small pool ({@code warmupPool > 0}) where using an input twice is harmless
 * for the warm-up.
 */
final class Pool<T> {
  private final LongFunction<T> make;
  private final int firstSize;
  private final int warmupPool;
  private Object[] items = new Object[0];
  private int next;
  private boolean measuring;
  private int used;
  private int lastUsed = -1;
  private int inline;
  private long serial;

  /**
   * @param make makes the item of a serial number; serials grow by one per item made, in the order
   *     the items are handed out (called from two threads while a pool is filled)
   * @param firstSize the size of the first pool, before any iteration was seen
   * @param warmupPool if > 0, warm-up iterations cycle through one pool of this size, filled once
   */
  Pool(LongFunction<T> make, int firstSize, int warmupPool) {
    this.make = make;
    this.firstSize = firstSize;
    this.warmupPool = warmupPool;
  }

  /** Call from {@code @Setup(Level.Iteration)}. */
  void beforeIteration(IterationParams params) {
    measuring = params.getType() == IterationType.MEASUREMENT;
    used = 0;
    inline = 0;
    next = 0;
    if (!measuring && warmupPool > 0) {
      if (items.length != warmupPool) {
        items = fill(warmupPool);
      }
      return;
    }
    int size =
        lastUsed < 0 ? firstSize : (int) Math.min(Integer.MAX_VALUE - 8, lastUsed * 1.6 + 256);
    items = null; // let the previous pool go before the next is made
    items = fill(size);
  }

  /**
   * Fills on both cores; what this (the benchmark's) thread spends on it is left out by {@link
   * CpuTimeProfiler}.
   */
  private Object[] fill(int n) {
    long cpu = CpuTimeProfiler.currentThreadCpu();
    long alloc = CpuTimeProfiler.currentThreadAllocated();
    long from = serial;
    serial += n;
    Object[] out = LongStream.range(from, from + n).parallel().mapToObj(make).toArray();
    CpuTimeProfiler.exclude(
        CpuTimeProfiler.currentThreadCpu() - cpu, CpuTimeProfiler.currentThreadAllocated() - alloc);
    return out;
  }

  /** Call from {@code @TearDown(Level.Iteration)}. */
  void afterIteration(String what) {
    lastUsed = used;
    if (inline > 0 && measuring) {
      System.out.println(
          "WARNING: "
              + what
              + ": pool of "
              + items.length
              + " ran out; "
              + inline
              + " inputs were made inside the measured time, so this iteration's figure is too high");
    }
  }

  @SuppressWarnings("unchecked")
  T next() {
    used++;
    if (next < items.length) {
      return (T) items[next++];
    }
    if (!measuring && warmupPool > 0) {
      next = 0;
      return (T) items[next++];
    }
    inline++;
    return make.apply(serial++);
  }

  int used() {
    return used;
  }
}
