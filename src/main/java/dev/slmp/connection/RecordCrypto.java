package dev.slmp.connection;

import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Sealer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a connection's DATA and ACK frames are opened and sealed: in place ({@link #INLINE}), or by
 * a crypto verticle. An implementation must complete a connection's operations in the order they
 * were asked for, and must never use one {@link Sealer} from two threads at once.
 */
public interface RecordCrypto {
  /** Opens {@code in[off, off+len)}; fails with {@link OpenFailedException}. */
  CompletionStage<byte[]> open(Sealer sealer, long seq, byte[] aad, byte[] in, int off, int len);

  CompletionStage<byte[]> seal(Sealer sealer, long seq, byte[] aad, byte[] plaintext);

  /** Opens and seals on the caller's thread. */
  RecordCrypto INLINE =
      new RecordCrypto() {
        @Override
        public CompletionStage<byte[]> open(
            Sealer sealer, long seq, byte[] aad, byte[] in, int off, int len) {
          try {
            return CompletableFuture.completedFuture(sealer.open(seq, aad, in, off, len));
          } catch (OpenFailedException e) {
            return CompletableFuture.failedFuture(e);
          }
        }

        @Override
        public CompletionStage<byte[]> seal(Sealer sealer, long seq, byte[] aad, byte[] plaintext) {
          return CompletableFuture.completedFuture(sealer.seal(seq, aad, plaintext));
        }

        @Override
        public String toString() {
          return "RecordCrypto.INLINE";
        }
      };
}
