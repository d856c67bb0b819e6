package dev.slmp.bench;

import java.util.Arrays;

/**
 * Latency samples (nanoseconds) from any thread; cheap enough for hundreds of thousands per second.
 */
final class LatencyRecorder {
  private long[] samples = new long[1 << 14];
  private int size;

  synchronized void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[size++] = nanos;
  }

  /** The samples so far, sorted; the recorder is emptied. */
  synchronized long[] drainSorted() {
    long[] out = Arrays.copyOf(samples, size);
    size = 0;
    Arrays.sort(out);
    return out;
  }
}
