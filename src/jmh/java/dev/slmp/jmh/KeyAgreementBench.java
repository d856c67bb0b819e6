package dev.slmp.jmh;

import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.Randomness;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.util.BigIntegers;
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
 * The Diffie-Hellman work alone: {@link DhGroup#agree} (peer-key validation included, as the spec
 * requires) and a fresh ephemeral key pair, for P-256 and X25519; plus BouncyCastle's own ECDH on
 * P-256 as the floor under our {@code P256Group.agree}. Peer keys cycle through 16 real public keys
 * (each decoded afresh per call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Thread)
public class KeyAgreementBench {
  static final int PEERS = 16;
  static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  static final ECDomainParameters P256_DOMAIN = new ECDomainParameters(P256);

  SecureRandom random;
  byte[] p256Private;
  byte[][] p256Peers;
  byte[] x25519Private;
  byte[][] x25519Peers;
  ECDHBasicAgreement bcAgreement;
  int next;

  @Setup
  public void setup() {
    random = Randomness.threadRandom();
    DhGroup p = DhGroup.p256();
    DhGroup x = DhGroup.x25519();
    p256Private = p.generatePrivate(random);
    x25519Private = x.generatePrivate(random);
    p256Peers = new byte[PEERS][];
    x25519Peers = new byte[PEERS][];
    for (int i = 0; i < PEERS; i++) {
      p256Peers[i] = p.publicKey(p.generatePrivate(random));
      x25519Peers[i] = x.publicKey(x.generatePrivate(random));
    }
    bcAgreement = new ECDHBasicAgreement();
    bcAgreement.init(new ECPrivateKeyParameters(new BigInteger(1, p256Private), P256_DOMAIN));
  }

  private int peer() {
    int i = next;
    next = (i + 1) & (PEERS - 1);
    return i;
  }

  @Benchmark
  public byte[] p256Agree() throws InvalidKeyException {
    return DhGroup.p256().agree(p256Private, p256Peers[peer()]);
  }

  @Benchmark
  public byte[] x25519Agree() throws InvalidKeyException {
    return DhGroup.x25519().agree(x25519Private, x25519Peers[peer()]);
  }

  /** Private key from the thread's DRBG, then its public key: the server's ephemeral per HELLO. */
  @Benchmark
  public byte[] p256KeyPair() {
    DhGroup g = DhGroup.p256();
    return g.publicKey(g.generatePrivate(random));
  }

  @Benchmark
  public byte[] x25519KeyPair() {
    DhGroup g = DhGroup.x25519();
    return g.publicKey(g.generatePrivate(random));
  }

  /** BouncyCastle's ECDHBasicAgreement with the point decoded (and validated) by the library. */
  @Benchmark
  public byte[] p256AgreeBcFloor() {
    ECPublicKeyParameters pub =
        new ECPublicKeyParameters(P256.getCurve().decodePoint(p256Peers[peer()]), P256_DOMAIN);
    return BigIntegers.asUnsignedByteArray(32, bcAgreement.calculateAgreement(pub));
  }
}
