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

  /**
   * Stores a new session; it lives until {@code record.expires()}. It replaces the device's
   * previous session, which is deleted: one live session per device, so resuming an older one gets
   * {@code SESSION_UNKNOWN}, and the window in which a captured 0-RTT first flight can be replayed
   * ends with the next full handshake.
   */
  CompletionStage<Void> put(SessionRecord record);

  /** Deletes every session of {@code deviceId} (revocation, an operator's request). */
  CompletionStage<Void> deleteDevice(String deviceId);

  /** The session, or null when it is unknown or expired. */
  CompletionStage<SessionRecord> get(byte[] sessionId);

  /**
   * Atomically sets {@code resume_counter = counter} only if {@code counter > resume_counter}; a
   * counter that is not larger gives {@link Advance#REPLAY}. Cluster-wide in a cluster.
   */
  CompletionStage<Advance> advanceCounter(byte[] sessionId, long counter);
}
