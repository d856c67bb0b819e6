package dev.slmp.bench;

import java.util.Map;

/**
 * One workload against one running server: prepared once, then run for the warm-up and for each
 * round.
 */
interface Workload extends AutoCloseable {
  /** What one operation is, per second: {@code sessions/s} or {@code msgs/s}. */
  String unit();

  /** Opens what the rounds reuse (persistent connections, session tickets). */
  default void prepare() throws Exception {}

  /**
   * Runs for about {@code durationNanos} (then lets what is in flight finish) and tells what
   * happened.
   */
  Outcome run(long durationNanos) throws Exception;

  /** Observations to report with the series (e.g. how many TLS sessions were really resumed). */
  default Map<String, Object> notes() {
    return Map.of();
  }

  @Override
  default void close() throws Exception {}

  /**
   * What one run did: operations completed, the time from start to the last completion, failures
   * (with the first failure's message) and the sorted latencies in ns (empty where operations have
   * no answer).
   */
  record Outcome(long ops, long elapsedNanos, long errors, long[] latencies, String firstError) {}
}
