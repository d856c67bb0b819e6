package dev.slmp.jmh;

import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.Data;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.SealedFrames;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing and opening one DATA carrying a 64-byte reading (plaintext {@code topic_len ||
 * "sensors/t" || 64 B} = 74 B; aad 6 B) with the project's {@link Sealer} of each suite, as a
 * connection does it: a new seq for every seal (the JCA refuses a repeated GCM nonce), and opens
 * over a ring of 4,096 frames sealed with consecutive seqs. {@code open} includes building the aad,
 * as {@code ServerConnection} does; {@code sealFrame} is the complete wire frame through {@link
 * SealedFrames#seal}; {@code newSealer} is the set-up a connection pays per key. Compare with
 * {@link PrimitiveBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Thread)
public class SealBench {
  static final int RING = 4096;

  @Param({"P256_FERNET", "P256_AES128GCM", "X25519_CHACHA20POLY1305"})
  Suite suite;

  byte[] key;
  byte[] iv;
  byte[] plaintext;
  byte[] aad;
  Sealer sealer;
  Sealer opener;
  byte[][] sealedFrames;
  long seq;
  int next;

  @Setup
  public void setup() {
    key = new byte[suite.keyBytes()];
    iv = new byte[suite.ivBytes()];
    Randomness.threadRandom().nextBytes(key);
    Randomness.threadRandom().nextBytes(iv);
    sealer = suite.sealer(key, iv, Randomness.secure());
    Sealer deviceSide = suite.sealer(key, iv, Randomness.secure());
    opener = suite.sealer(key, iv, Randomness.secure());
    plaintext = Data.encode(Fixture.TOPIC.getBytes(StandardCharsets.UTF_8), Fixture.PAYLOAD);
    aad = SealedFrames.aad(FrameType.DATA, SealedFrames.FLAG_ACK_REQUESTED, 1);
    sealedFrames = new byte[RING][];
    for (int i = 0; i < RING; i++) {
      sealedFrames[i] =
          SealedFrames.seal(
              deviceSide, FrameType.DATA, SealedFrames.FLAG_ACK_REQUESTED, i + 1, plaintext);
    }
  }

  /** {@code Sealer.seal} alone (the aad made once). */
  @Benchmark
  public byte[] seal() {
    return sealer.seal(++seq, aad, plaintext);
  }

  /** The whole DATA frame: aad, seal, frame assembly. */
  @Benchmark
  public byte[] sealFrame() {
    return SealedFrames.seal(
        sealer, FrameType.DATA, SealedFrames.FLAG_ACK_REQUESTED, ++seq, plaintext);
  }

  /** A new Sealer, as a session makes three (AUTH, c2s, s2c; resumed: c2s, early, s2c). */
  @Benchmark
  public Sealer newSealer() {
    return suite.sealer(key, iv, Randomness.secure());
  }

  /** Open a received DATA body in place, with its aad. */
  @Benchmark
  public byte[] open() throws OpenFailedException {
    int i = next;
    next = (i + 1) & (RING - 1);
    byte[] f = sealedFrames[i];
    long s = i + 1;
    int off = Frame.HEADER + SealedFrames.PREFIX;
    return opener.open(
        s,
        SealedFrames.aad(FrameType.DATA, SealedFrames.FLAG_ACK_REQUESTED, s),
        f,
        off,
        f.length - off);
  }
}
