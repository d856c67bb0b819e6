package dev.slmp.testing;

import dev.slmp.session.SessionRecord;
import dev.slmp.session.SessionStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A session store that cannot answer (unreachable, or no majority of the cluster): every call
 * fails.
 */
public final class UnreachableSessionStore implements SessionStore {
  private static <T> CompletionStage<T> down() {
    return CompletableFuture.failedFuture(new IllegalStateException("session store unreachable"));
  }

  @Override
  public CompletionStage<Void> put(SessionRecord record) {
    return down();
  }

  @Override
  public CompletionStage<Void> deleteDevice(String deviceId) {
    return down();
  }

  @Override
  public CompletionStage<SessionRecord> get(byte[] sessionId) {
    return down();
  }

  @Override
  public CompletionStage<Advance> advanceCounter(byte[] sessionId, long counter) {
    return down();
  }
}
