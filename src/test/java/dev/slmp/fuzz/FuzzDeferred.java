package dev.slmp.fuzz;

import dev.slmp.connection.RecordCrypto;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.handshake.ServerHandshaker;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Handshake and record crypto that answer later, as the node's event-bus handshaker and crypto
 * verticles do: each service completes its own requests in the order they were asked for (the
 * {@link RecordCrypto} contract), the two services interleave at random, and the case decides how
 * much work is done between reads. This is what reaches {@code ServerConnection}'s queue of frames
 * waiting behind pending work.
 */
final class FuzzDeferred {
  private final ArrayDeque<Runnable> handshakes = new ArrayDeque<>();
  private final ArrayDeque<Runnable> crypto = new ArrayDeque<>();
  private final SplittableRandom rnd;

  FuzzDeferred(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  private static <T> CompletionStage<T> later(
      ArrayDeque<Runnable> queue, Supplier<CompletionStage<T>> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    queue.add(
        () ->
            work.get()
                .whenComplete(
                    (v, err) -> {
                      if (err != null) {
                        f.completeExceptionally(
                            err instanceof CompletionException && err.getCause() != null
                                ? err.getCause()
                                : err);
                      } else {
                        f.complete(v);
                      }
                    }));
    return f;
  }

  ServerHandshaker handshaker(ServerHandshaker now) {
    return new ServerHandshaker() {
      @Override
      public CompletionStage<HelloResult> hello(byte[] helloFrame, Randomness randomness) {
        return later(handshakes, () -> now.hello(helloFrame, randomness));
      }

      @Override
      public CompletionStage<Authenticated> auth(HandshakeState state, byte[] authFrame) {
        return later(handshakes, () -> now.auth(state, authFrame));
      }

      @Override
      public CompletionStage<Resumed> resume(byte[] resumeFrame, Randomness randomness) {
        return later(handshakes, () -> now.resume(resumeFrame, randomness));
      }
    };
  }

  RecordCrypto crypto() {
    return new RecordCrypto() {
      @Override
      public CompletionStage<byte[]> open(
          Sealer sealer, long seq, byte[] aad, byte[] in, int off, int len) {
        return later(crypto, () -> RecordCrypto.INLINE.open(sealer, seq, aad, in, off, len));
      }

      @Override
      public CompletionStage<byte[]> seal(Sealer sealer, long seq, byte[] aad, byte[] plaintext) {
        return later(crypto, () -> RecordCrypto.INLINE.seal(sealer, seq, aad, plaintext));
      }
    };
  }

  /** Completes up to three pending requests (between two reads). */
  void some() {
    for (int n = rnd.nextInt(4); n > 0 && step(); n--) {
      // one completion per step
    }
  }

  /** Completes everything, including work that completions ask for. */
  void all() {
    while (step()) {
      // until both services are idle
    }
  }

  private boolean step() {
    boolean h = !handshakes.isEmpty();
    boolean c = !crypto.isEmpty();
    if (!h && !c) {
      return false;
    }
    (h && (!c || rnd.nextBoolean()) ? handshakes : crypto).poll().run();
    return true;
  }
}
