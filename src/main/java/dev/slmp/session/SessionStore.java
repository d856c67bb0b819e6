package dev.slmp.session;

import java.util.concurrent.CompletionStage;

/**
 * Where sessions live between connections: in memory on a standalone node, in the cluster
 * otherwise. Every method may fail (store unreachable, no majority): callers fail closed (spec 8:
 * {@code CLOSE(BUSY)} on resumption, {@code lifetime 0} on a full handshake).
 */
public interface SessionStore {
  /** Outcome of {@link #advanceCounter}. */
  enum Advance {
    ADVANCED,
    REPLAY,
    UNKNOWN
  }

  /** Stores a new session; it lives until {@code record.expires()}. */
  CompletionStage<Void> put(SessionRecord record);

  /** The session, or null when it is unknown or expired. */
  CompletionStage<SessionRecord> get(byte[] sessionId);

  /**
   * Atomically sets {@code resume_counter = counter} only if {@code counter > resume_counter}; a
   * counter that is not larger gives {@link Advance#REPLAY}. Cluster-wide in a cluster.
   */
  CompletionStage<Advance> advanceCounter(byte[] sessionId, long counter);
}
