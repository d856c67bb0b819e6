package dev.slmp.jmh;

import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.Data;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.SealedFrames;
import dev.slmp.protocol.SlmpException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link FrameDecoder} on a stream of 1,000 real DATA frames (64-byte reading,
 * X25519_CHACHA20POLY1305 sealing, 96 bytes each on the wire), fed as one buffer ({@code chunk =
 * 0}: coalesced), in TCP-segment-sized pieces ({@code 1460}), or in 7-byte pieces (every header and
 * body split). Score: time per frame.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Thread)
public class FrameDecodeBench {
  static final int FRAMES = 1000;

  @Param({"0", "1460", "7"})
  int chunk;

  byte[] stream;
  FrameDecoder decoder;

  @Setup
  public void setup() {
    Suite suite = Suite.X25519_CHACHA20POLY1305;
    byte[] key = new byte[suite.keyBytes()];
    byte[] iv = new byte[suite.ivBytes()];
    Randomness.threadRandom().nextBytes(key);
    Randomness.threadRandom().nextBytes(iv);
    Sealer sealer = suite.sealer(key, iv, Randomness.secure());
    byte[] plain = Data.encode(Fixture.TOPIC.getBytes(StandardCharsets.UTF_8), Fixture.PAYLOAD);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int seq = 1; seq <= FRAMES; seq++) {
      out.writeBytes(
          SealedFrames.seal(sealer, FrameType.DATA, SealedFrames.FLAG_ACK_REQUESTED, seq, plain));
    }
    stream = out.toByteArray();
    decoder = new FrameDecoder(65_536);
  }

  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void decode(Blackhole bh) throws SlmpException {
    FrameDecoder.Sink sink =
        f -> {
          bh.consume(f);
          return true;
        };
    byte[] s = stream;
    if (chunk == 0) {
      decoder.feed(s, 0, s.length, sink);
      return;
    }
    for (int off = 0; off < s.length; off += chunk) {
      decoder.feed(s, off, Math.min(chunk, s.length - off), sink);
    }
  }
}
