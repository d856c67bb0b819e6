package dev.slmp.jmh;

import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.Data;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.SealedFrames;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
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
 * The floor under {@link SealBench}: the same primitives on the same 74-byte DATA plaintext and
 * 6-byte aad, called directly with everything reusable kept (one {@link Cipher} and one {@link
 * HMac} per direction, output into a reused buffer where the API allows). Whatever {@code
 * SealBench} costs above these is our code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Thread)
public class PrimitiveBench {
  static final int RING = 4096;

  byte[] plaintext;
  byte[] aad;
  byte[] out;
  SecureRandom random;

  SecretKeySpec aesKey;
  Cipher gcmSeal;
  Cipher gcmOpen;
  byte[][] gcmSealed;

  SecretKeySpec chachaKey;
  Cipher chachaSeal;
  Cipher chachaOpen;
  byte[][] chachaSealed;

  SecretKeySpec cbcKey;
  Cipher cbcSeal;
  Cipher cbcOpen;
  HMac macSeal;
  HMac macOpen;
  byte[][] fernetTokens;

  byte[] nonce = new byte[12];
  long seq;
  int next;

  @Setup
  public void setup() throws GeneralSecurityException {
    random = Randomness.threadRandom();
    plaintext = Data.encode(Fixture.TOPIC.getBytes(StandardCharsets.UTF_8), Fixture.PAYLOAD);
    aad = SealedFrames.aad(FrameType.DATA, SealedFrames.FLAG_ACK_REQUESTED, 1);
    out = new byte[256];
    random.nextBytes(nonce);

    aesKey = new SecretKeySpec(randomBytes(16), "AES");
    gcmSeal = Cipher.getInstance("AES/GCM/NoPadding");
    gcmOpen = Cipher.getInstance("AES/GCM/NoPadding");
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    gcmSealed = new byte[RING][];
    for (int i = 0; i < RING; i++) {
      c.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce(i + 1)));
      c.updateAAD(aad);
      gcmSealed[i] = c.doFinal(plaintext);
    }

    chachaKey = new SecretKeySpec(randomBytes(32), "ChaCha20");
    chachaSeal = Cipher.getInstance("ChaCha20-Poly1305");
    chachaOpen = Cipher.getInstance("ChaCha20-Poly1305");
    c = Cipher.getInstance("ChaCha20-Poly1305");
    chachaSealed = new byte[RING][];
    for (int i = 0; i < RING; i++) {
      c.init(Cipher.ENCRYPT_MODE, chachaKey, new IvParameterSpec(nonce(i + 1)));
      c.updateAAD(aad);
      chachaSealed[i] = c.doFinal(plaintext);
    }

    byte[] macKey = randomBytes(16);
    cbcKey = new SecretKeySpec(randomBytes(16), "AES");
    cbcSeal = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cbcOpen = Cipher.getInstance("AES/CBC/PKCS5Padding");
    macSeal = new HMac(new SHA256Digest());
    macSeal.init(new KeyParameter(macKey));
    macOpen = new HMac(new SHA256Digest());
    macOpen.init(new KeyParameter(macKey));
    fernetTokens = new byte[RING][];
    for (int i = 0; i < RING; i++) {
      fernetTokens[i] = fernetSeal();
    }
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private byte[] nonce(long s) {
    byte[] n = nonce.clone();
    n[8] ^= (byte) (s >>> 24);
    n[9] ^= (byte) (s >>> 16);
    n[10] ^= (byte) (s >>> 8);
    n[11] ^= (byte) s;
    return n;
  }

  private int ring() {
    int i = next;
    next = (i + 1) & (RING - 1);
    return i;
  }

  /** JCA AES-128-GCM seal, cached Cipher, into a reused buffer. */
  @Benchmark
  public int aesGcmSeal() throws GeneralSecurityException {
    gcmSeal.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce(++seq)));
    gcmSeal.updateAAD(aad);
    return gcmSeal.doFinal(plaintext, 0, plaintext.length, out, 0);
  }

  @Benchmark
  public int aesGcmOpen() throws GeneralSecurityException {
    int i = ring();
    byte[] in = gcmSealed[i];
    gcmOpen.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce(i + 1)));
    gcmOpen.updateAAD(aad);
    return gcmOpen.doFinal(in, 0, in.length, out, 0);
  }

  /** JCA ChaCha20-Poly1305 seal, cached Cipher, into a reused buffer. */
  @Benchmark
  public int chachaSeal() throws GeneralSecurityException {
    chachaSeal.init(Cipher.ENCRYPT_MODE, chachaKey, new IvParameterSpec(nonce(++seq)));
    chachaSeal.updateAAD(aad);
    return chachaSeal.doFinal(plaintext, 0, plaintext.length, out, 0);
  }

  @Benchmark
  public int chachaOpen() throws GeneralSecurityException {
    int i = ring();
    byte[] in = chachaSealed[i];
    chachaOpen.init(Cipher.DECRYPT_MODE, chachaKey, new IvParameterSpec(nonce(i + 1)));
    chachaOpen.updateAAD(aad);
    return chachaOpen.doFinal(in, 0, in.length, out, 0);
  }

  /**
   * Binary Fernet token of aad || plaintext with a cached CBC Cipher and a keyed HMac kept between
   * calls; the 16-byte iv drawn from the thread's DRBG and the clock read, as {@code FernetSealer}
   * does.
   */
  @Benchmark
  public byte[] fernetSeal() throws GeneralSecurityException {
    byte[] iv = new byte[16];
    random.nextBytes(iv);
    long timestamp = System.currentTimeMillis() / 1000;
    cbcSeal.init(Cipher.ENCRYPT_MODE, cbcKey, new IvParameterSpec(iv));
    int ctLen = cbcSeal.getOutputSize(aad.length + plaintext.length);
    byte[] token = new byte[25 + ctLen + 32];
    token[0] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      token[1 + i] = (byte) (timestamp >>> (56 - 8 * i));
    }
    System.arraycopy(iv, 0, token, 9, 16);
    int n = cbcSeal.update(aad, 0, aad.length, token, 25);
    n += cbcSeal.doFinal(plaintext, 0, plaintext.length, token, 25 + n);
    macSeal.update(token, 0, 25 + n);
    macSeal.doFinal(token, 25 + n);
    return token;
  }

  @Benchmark
  public int fernetOpen() throws GeneralSecurityException {
    byte[] t = fernetTokens[ring()];
    int macOff = t.length - 32;
    macOpen.update(t, 0, macOff);
    macOpen.doFinal(out, 0);
    if (!java.security.MessageDigest.isEqual(
        java.util.Arrays.copyOfRange(out, 0, 32),
        java.util.Arrays.copyOfRange(t, macOff, t.length))) {
      throw new IllegalStateException("bad token");
    }
    cbcOpen.init(Cipher.DECRYPT_MODE, cbcKey, new IvParameterSpec(t, 9, 16));
    return cbcOpen.doFinal(t, 25, macOff - 25, out, 64);
  }

  /**
   * What {@code FernetSealer} pays twice per token, and {@code AeadSealer} after any failed open.
   */
  @Benchmark
  public Cipher cipherGetInstanceCbc() throws GeneralSecurityException {
    return Cipher.getInstance("AES/CBC/PKCS5Padding");
  }

  /** 16 bytes from the thread's DRBG (a Fernet iv, a nonce_s). */
  @Benchmark
  public byte[] drbg16() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return b;
  }
}
