package dev.slmp.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A closed-loop load: each worker runs one operation after another on its own Vert.x context until
 * the time is up; a round ends when every worker's last operation has finished. Bounded in count
 * (the workers) and time.
 */
final class ClosedLoop {
  /**
   * Extra time granted to operations still in flight at the deadline (each has its own shorter
   * timeout).
   */
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private ClosedLoop() {}

  /**
   * Runs {@code op(worker)} in a loop on {@code contexts.get(worker)}; the op's future gives its
   * latency in ns (negative: none).
   */
  static Workload.Outcome run(
      List<Context> contexts, long durationNanos, IntFunction<Future<Long>> op)
      throws InterruptedException {
    int workers = contexts.size();
    LatencyRecorder latencies = new LatencyRecorder();
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastEnd = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(workers);
    long start = System.nanoTime();
    long deadline = start + durationNanos;
    lastEnd.set(start);
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Context ctx = contexts.get(w);
      Runnable[] next = new Runnable[1];
      next[0] =
          () -> {
            if (System.nanoTime() - deadline >= 0) {
              done.countDown();
              return;
            }
            Future<Long> f;
            try {
              f = op.apply(worker);
            } catch (RuntimeException e) {
              f = Future.failedFuture(e);
            }
            f.onComplete(
                ar -> {
                  lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                  if (ar.succeeded()) {
                    ops.incrementAndGet();
                    if (ar.result() != null && ar.result() >= 0) {
                      latencies.record(ar.result());
                    }
                    next[0].run();
                  } else {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(ar.cause()));
                    ctx.runOnContext(
                        v -> next[0].run()); // a failure may be synchronous: no recursion
                  }
                });
          };
      ctx.runOnContext(v -> next[0].run());
    }
    boolean finished = done.await(durationNanos + GRACE_NANOS, TimeUnit.NANOSECONDS);
    if (!finished) {
      errors.addAndGet(done.getCount());
      firstError.compareAndSet(
          null, done.getCount() + " workers still busy after the grace period");
    }
    return new Workload.Outcome(
        ops.get(), lastEnd.get() - start, errors.get(), latencies.drainSorted(), firstError.get());
  }

  /** {@code n} fresh contexts, spread over the event loops. */
  static List<Context> contexts(Vertx vertx, int n) {
    Context[] c = new Context[n];
    for (int i = 0; i < n; i++) {
      c[i] =
          vertx.getOrCreateContext(); // called off any context: a new event-loop context each time
    }
    return List.of(c);
  }

  /**
   * Runs {@code f(0..total-1)} with at most {@code parallel} in flight (from this thread); returns
   * the results in order, failures as null, and fails when more than {@code maxFailures} failed.
   */
  static <T> List<T> bounded(int total, int parallel, int maxFailures, IntFunction<Future<T>> f)
      throws Exception {
    Semaphore slots = new Semaphore(parallel);
    @SuppressWarnings("unchecked")
    T[] out = (T[]) new Object[total];
    AtomicLong failures = new AtomicLong();
    AtomicReference<Throwable> first = new AtomicReference<>();
    for (int i = 0; i < total; i++) {
      if (!slots.tryAcquire(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("operations stalled at " + i + " of " + total);
      }
      int index = i;
      Future<T> fut;
      try {
        fut = f.apply(i);
      } catch (RuntimeException e) {
        fut = Future.failedFuture(e);
      }
      fut.onComplete(
          ar -> {
            if (ar.succeeded()) {
              out[index] = ar.result();
            } else {
              failures.incrementAndGet();
              first.compareAndSet(null, ar.cause());
            }
            slots.release();
          });
    }
    if (!slots.tryAcquire(parallel, 180, TimeUnit.SECONDS)) {
      throw new IllegalStateException("operations did not finish");
    }
    if (failures.get() > maxFailures) {
      throw new IllegalStateException(
          failures.get() + " of " + total + " failed; first: " + first.get(), first.get());
    }
    return java.util.Arrays.asList(out);
  }

  /** A future that fails with a timeout after {@code ms} unless {@code p} completes first. */
  static <T> Future<T> within(Vertx vertx, Promise<T> p, long ms, String what) {
    long timer =
        vertx.setTimer(
            ms,
            id ->
                p.tryFail(
                    new java.util.concurrent.TimeoutException(
                        what + " timed out after " + ms + " ms")));
    return p.future().onComplete(ar -> vertx.cancelTimer(timer));
  }
}
