package dev.slmp.client;

import dev.slmp.protocol.AckStatus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * DATA frames waiting for the server's ACK, by seq (0-RTT data apart: it has its own seq space),
 * each failed with a {@link TimeoutException} when its ACK has not come within the timeout. One
 * timer serves them all, set for the oldest deadline (frames are added in deadline order), instead
 * of a timer per frame. Confined to the client's context.
 */
final class PendingAcks {
  private record Waiting(Promise<AckStatus> ack, long deadline) {}

  private final Vertx vertx;
  private final long timeoutMs;
  private final LinkedHashMap<Long, Waiting> ordinary = new LinkedHashMap<>();
  private final LinkedHashMap<Long, Waiting> early = new LinkedHashMap<>();
  private long timer = -1;

  PendingAcks(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  void add(long seq, boolean isEarly, Promise<AckStatus> ack) {
    (isEarly ? early : ordinary)
        .put(seq, new Waiting(ack, System.nanoTime() + timeoutMs * 1_000_000L));
    arm();
  }

  /** The ACK for {@code seq} arrived; an ACK nobody waits for (late, or repeated) is ignored. */
  void complete(long seq, boolean isEarly, AckStatus status) {
    Waiting w = (isEarly ? early : ordinary).remove(seq);
    if (w != null) {
      w.ack().tryComplete(status);
    }
  }

  /** The connection ended: every waiting frame fails with {@code reason}. */
  void failAll(Throwable reason) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Waiting> all = new ArrayList<>(ordinary.values());
    all.addAll(early.values());
    ordinary.clear();
    early.clear();
    all.forEach(w -> w.ack().tryFail(reason));
  }

  private void arm() {
    if (timer >= 0) {
      return;
    }
    long oldest = Math.min(oldest(ordinary), oldest(early));
    if (oldest == Long.MAX_VALUE) {
      return;
    }
    long ms = Math.max(1, (oldest - System.nanoTime() + 999_999) / 1_000_000);
    timer =
        vertx.setTimer(
            ms,
            id -> {
              timer = -1;
              long now = System.nanoTime();
              expire(ordinary, now);
              expire(early, now);
              arm();
            });
  }

  private static long oldest(LinkedHashMap<Long, Waiting> m) {
    return m.isEmpty() ? Long.MAX_VALUE : m.values().iterator().next().deadline();
  }

  private void expire(LinkedHashMap<Long, Waiting> m, long now) {
    for (Iterator<Map.Entry<Long, Waiting>> it = m.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Waiting> e = it.next();
      if (e.getValue().deadline() - now > 0) {
        return; // the rest are younger
      }
      it.remove();
      e.getValue()
          .ack()
          .tryFail(
              new TimeoutException(
                  "no ACK for seq " + e.getKey() + " within " + timeoutMs + " ms"));
    }
  }
}
