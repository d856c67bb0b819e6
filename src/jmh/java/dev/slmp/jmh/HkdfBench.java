package dev.slmp.jmh;

import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.Hkdf;
import dev.slmp.crypto.Randomness;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HKDF-SHA256 and HMAC-SHA256 as the key schedule uses them (32-byte keys, spec labels), with
 * floors: a keyed BouncyCastle {@link HMac} reused between calls, and the JCA's HmacSHA256 (whose
 * SHA-256 HotSpot compiles to the CPU's SHA instructions where it has them, while BouncyCastle's
 * digest is plain Java).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Thread)
public class HkdfBench {
  byte[] key32;
  byte[] data64;
  byte[] info;
  HMac keyedMac;
  Mac jcaMac;
  SecretKeySpec jcaKey;
  byte[] out = new byte[32];

  @Setup
  public void setup() {
    key32 = new byte[32];
    data64 = new byte[64];
    Randomness.threadRandom().nextBytes(key32);
    Randomness.threadRandom().nextBytes(data64);
    info = "SLMP/1 c2s key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    keyedMac = new HMac(new SHA256Digest());
    keyedMac.init(new KeyParameter(key32));
    jcaKey = new SecretKeySpec(key32, "HmacSHA256");
    try {
      jcaMac = Mac.getInstance("HmacSHA256");
      jcaMac.init(jcaKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code Hashes.hmac(key, 64 B)}: a new HMac and digest, keyed, per call. */
  @Benchmark
  public byte[] hmac64() {
    return Hashes.hmac(key32, data64);
  }

  /** The same MAC with the HMac keyed once and reused (doFinal resets it to the keyed state). */
  @Benchmark
  public byte[] hmac64KeyedReused() {
    keyedMac.update(data64, 0, data64.length);
    keyedMac.doFinal(out, 0);
    return out;
  }

  /** JCA HmacSHA256, one Mac keyed once and reused. */
  @Benchmark
  public byte[] hmac64Jca() {
    return jcaMac.doFinal(data64);
  }

  /**
   * JCA HmacSHA256, one cached Mac re-keyed per call (what a per-thread Mac in Hashes.hmac would
   * cost).
   */
  @Benchmark
  public byte[] hmac64JcaKeyPerCall() throws GeneralSecurityException {
    jcaMac.init(jcaKey);
    return jcaMac.doFinal(data64);
  }

  /** {@code Expand(prk, label, 32)}: one HMAC block. */
  @Benchmark
  public byte[] expand32() {
    return Hkdf.expand(key32, info, 32);
  }

  /** Extract then expand to 64 B, the figure in performance-facts.md. */
  @Benchmark
  public byte[] extractExpand64() {
    return Hkdf.derive(key32, data64, info, 64);
  }
}
