package dev.slmp.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way a blocking test waits for a future: Vert.x 5's {@link Future#await(long, TimeUnit)}
 * with the kit's timeout, so that a future that never completes fails the test with a message
 * instead of hanging it. Call these from the test thread, never from an event loop.
 */
public final class Await {
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Await() {}

  /** The result of {@code f}; its failure is thrown as is. */
  public static <T> T await(Future<T> f) {
    try {
      return f.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + TIMEOUT.toSeconds() + " s", e);
    }
  }

  /** The failure of {@code f}, which must fail, as a {@code type}. */
  public static <E extends Throwable> E failure(Class<E> type, Future<?> f) {
    try {
      f.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no failure within " + TIMEOUT.toSeconds() + " s", e);
    } catch (Throwable t) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      throw new AssertionError("expected a " + type.getSimpleName() + ", got " + t, t);
    }
    throw new AssertionError("expected a failure, got success: " + f.result());
  }

  /** The failure of {@code f}, which must fail. */
  public static Throwable failure(Future<?> f) {
    return failure(Throwable.class, f);
  }
}
