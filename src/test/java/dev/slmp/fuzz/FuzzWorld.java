package dev.slmp.fuzz;

import static dev.slmp.crypto.Bytes.unhex;

import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.FernetSealer;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.SlmpException;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What every case shares, built once: the three suites' fixtures, the server's key ring (one static
 * key per group, as in the vectors), sealers for every key, a pool of real frames to inject, and
 * the HELLO_REPLY of each fixture's real HELLO. The last is what keeps the fuzzer fast: a
 * Diffie-Hellman per case would cost more than everything else together, so an unchanged vector
 * HELLO is answered from a memo (computed once by the real {@link ServerHandshake}), and every
 * other HELLO, mutated ones included, does the real work.
 */
final class FuzzWorld {
  static final long LIFETIME = 86_400;
  static final int KEEPALIVE = 60;

  final FuzzFixture[] fixtures = new FuzzFixture[3];
  final ServerKeyRing keyRing;
  final byte[] p256KeyId;
  final byte[] x25519KeyId;
  final List<byte[]> c2sPool = new ArrayList<>();
  final List<byte[]> s2cPool = new ArrayList<>();

  /**
   * Vector frames sealed under one of the fixtures' keys (the pool replays the same connections):
   * they open.
   */
  final Map<FuzzCase.Sealed, byte[]> vectorSeals = new HashMap<>();

  private final Map<ByteKey, ServerHandshaker.HelloResult> helloMemo = new HashMap<>();
  private final Sealer[] sealers;

  /**
   * Each tag's fixture and key index: an AEAD seal takes a fresh sealer (one sealer never seals a
   * seq twice).
   */
  private final FuzzFixture[] fixtureOfTag;

  private final int[] kindOfTag;

  FuzzWorld() {
    String[] ids = {"01", "02", "03"};
    for (int i = 0; i < 3; i++) {
      fixtures[i] = new FuzzFixture(i, ids[i]);
    }
    StaticKey p256 = StaticKey.of(DhGroup.p256(), fixtures[0].serverStaticPrivate);
    StaticKey x25519 = StaticKey.of(DhGroup.x25519(), fixtures[2].serverStaticPrivate);
    keyRing = ServerKeyRing.of(p256, x25519);
    p256KeyId = p256.keyId();
    x25519KeyId = x25519.keyId();
    sealers = new Sealer[3 * FuzzFixture.KINDS];
    fixtureOfTag = new FuzzFixture[3 * FuzzFixture.KINDS];
    kindOfTag = new int[3 * FuzzFixture.KINDS];
    for (FuzzFixture fx : fixtures) {
      for (int k = 0; k < FuzzFixture.KINDS; k++) {
        sealers[fx.tag(k)] = fx.suite.sealer(fx.keys[k], fx.ivs[k], null);
        fixtureOfTag[fx.tag(k)] = fx;
        kindOfTag[fx.tag(k)] = k;
      }
      ServerSettings defaults = settings(ServerSettings.DEFAULT_MAX_BODY);
      ServerHandshake real = new ServerHandshake(defaults, keyRing, null, null, () -> 0);
      try {
        helloMemo.put(
            new ByteKey(fx.hello),
            real.helloNow(fx.hello, serverRandomness(fx, new SplittableRandom(0))));
      } catch (SlmpException e) {
        throw new IllegalStateException("the vector HELLO of " + fx.suite + " is refused: " + e);
      }
      for (String scenario :
          new String[] {"full_handshake", "data_ack", "resumption", "negative"}) {
        collect(Vectors.object("slmp1/suite" + ids[fx.index] + "_" + scenario + ".json"), fx.suite);
      }
    }
  }

  private void collect(Object o, Suite suite) {
    if (o instanceof JsonObject j) {
      if (j.containsKey("hex") && j.containsKey("direction")) {
        byte[] frame = unhex(j.getString("hex"));
        // AUTH and RESUME frames of other vector connections can be correctly bound to our
        // handshake or session
        // (a new nonce_c, another derived device id): only their own fixture's are injected.
        int type = frame[0] & 0xFF;
        boolean own =
            Arrays.stream(fixtures)
                .anyMatch(
                    f ->
                        f != null
                            && (Arrays.equals(f.auth, frame) || Arrays.equals(f.resume, frame)));
        if (!"c2s".equals(j.getString("direction"))) {
          s2cPool.add(frame);
        } else if (own || type != 0x03 && type != 0x05) {
          c2sPool.add(frame);
        }
        JsonObject seal = j.getJsonObject("seal");
        if (seal != null) {
          byte[] key = unhex(seal.getString("key"));
          byte[] iv = unhex(seal.getString("iv"));
          for (FuzzFixture fx : fixtures) {
            for (int k = 0; k < FuzzFixture.KINDS; k++) {
              if (fx != null
                  && fx.suite == suite
                  && Arrays.equals(fx.keys[k], key)
                  && Arrays.equals(fx.ivs[k], iv)) {
                vectorSeals.put(
                    new FuzzCase.Sealed(fx.tag(k), frame), unhex(seal.getString("plaintext")));
              }
            }
          }
        }
      } else {
        j.forEach(e -> collect(e.getValue(), suite));
      }
    } else if (o instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(e -> collect(e, suite));
    }
  }

  static ServerSettings settings(int maxBody) {
    return new ServerSettings(EnumSet.allOf(Suite.class), LIFETIME, KEEPALIVE, maxBody, 1024);
  }

  FuzzFixture fixtureOfSuite(int suiteId) {
    return fixtures[suiteId - 1];
  }

  /**
   * The server's randomness: the vector's ephemeral key and nonce_s, Fernet ivs from the case's
   * generator.
   */
  Randomness serverRandomness(FuzzFixture fx, SplittableRandom rnd) {
    return new Fixed(
        g ->
            g.publicKeyLength() == fx.publicKeyLength()
                ? fx.serverEphemeral
                : fixtures[g.publicKeyLength() == 32 ? 2 : 0].serverEphemeral,
        fx.nonceS,
        null,
        rnd);
  }

  /**
   * The device's randomness: the vector's e_c, nonce_c and (suite 01) AUTH stamp, so it sends the
   * vector's bytes.
   */
  Randomness deviceRandomness(FuzzFixture fx, SplittableRandom rnd) {
    return new Fixed(g -> fx.clientEphemeral, fx.nonceC, fx.authStamp, rnd);
  }

  /**
   * A handshaker that answers a fixture's unchanged HELLO from the memo and does everything else
   * for real.
   */
  ServerHandshaker memoized(ServerHandshaker real) {
    return new ServerHandshaker() {
      @Override
      public CompletionStage<HelloResult> hello(byte[] helloFrame, Randomness randomness) {
        HelloResult r = helloMemo.get(new ByteKey(helloFrame));
        // Each connection gets its own copy of the memo's state: the handshake wipes hs once used.
        return r != null
            ? CompletableFuture.completedFuture(
                new HelloResult(
                    r.helloReplyFrame(),
                    new ServerHandshaker.HandshakeState(
                        r.state().suite(),
                        r.state().hs().clone(),
                        r.state().helloFrame(),
                        r.state().helloReplyFrame())))
            : real.hello(helloFrame, randomness);
      }

      @Override
      public CompletionStage<Authenticated> auth(HandshakeState state, byte[] authFrame) {
        return real.auth(state, authFrame);
      }

      @Override
      public CompletionStage<Resumed> resume(byte[] resumeFrame, Randomness randomness) {
        return real.resume(resumeFrame, randomness);
      }
    };
  }

  /**
   * A complete sealed frame {@code type || len || flags || seq || seal(K_tag, seq,
   * type||flags||seq, plain)}.
   */
  byte[] seal(int tag, int type, int flags, long seq, byte[] plain, SplittableRandom rnd) {
    byte[] aad = aad(type, flags, seq);
    Sealer s = sealers[tag];
    byte[] sealed;
    if (s instanceof FernetSealer f) {
      byte[] iv = new byte[16];
      rnd.nextBytes(iv);
      sealed = f.seal(iv, 1_700_000_000L + rnd.nextInt(1000), aad, plain);
    } else {
      FuzzFixture fx = fixtureOfTag[tag];
      int k = kindOfTag[tag];
      sealed = fx.suite.sealer(fx.keys[k], fx.ivs[k], null).seal(seq, aad, plain);
    }
    byte[] body = new byte[5 + sealed.length];
    System.arraycopy(aad, 1, body, 0, 5);
    System.arraycopy(sealed, 0, body, 5, sealed.length);
    return FuzzWire.frame(type, body);
  }

  /** The plaintext of a sealed frame's body under {@code K_tag}, or null when it does not open. */
  byte[] open(int tag, int type, byte[] body) {
    if (body.length < 5) {
      return null;
    }
    long seq = FuzzWire.u32(body, 1);
    try {
      return sealers[tag].open(seq, aad(type, body[0] & 0xFF, seq), body, 5, body.length - 5);
    } catch (OpenFailedException e) {
      return null;
    }
  }

  static byte[] aad(int type, int flags, long seq) {
    byte[] a = new byte[6];
    a[0] = (byte) type;
    a[1] = (byte) flags;
    a[2] = (byte) (seq >>> 24);
    a[3] = (byte) (seq >>> 16);
    a[4] = (byte) (seq >>> 8);
    a[5] = (byte) seq;
    return a;
  }

  /** Byte arrays as map keys, by content. */
  record ByteKey(byte[] b) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && Arrays.equals(k.b, b);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(b);
    }
  }

  /**
   * Randomness with fixed keys and nonces, and Fernet stamps drawn from the case's own generator.
   */
  private static final class Fixed implements Randomness {
    private final java.util.function.Function<DhGroup, byte[]> ephemeral;
    private final byte[] nonce;
    private FernetStamp first;
    private final SplittableRandom rnd;

    Fixed(
        java.util.function.Function<DhGroup, byte[]> ephemeral,
        byte[] nonce,
        FernetStamp first,
        SplittableRandom rnd) {
      this.ephemeral = ephemeral;
      this.nonce = nonce;
      this.first = first;
      this.rnd = rnd;
    }

    @Override
    public byte[] ephemeralPrivate(DhGroup group) {
      return ephemeral.apply(group).clone();
    }

    @Override
    public byte[] nonce16() {
      return nonce.clone();
    }

    @Override
    public FernetStamp fernetStamp() {
      if (first != null) {
        FernetStamp f = first;
        first = null;
        return f;
      }
      byte[] iv = new byte[16];
      rnd.nextBytes(iv);
      return new FernetStamp(iv, 1_700_000_000L);
    }
  }
}
