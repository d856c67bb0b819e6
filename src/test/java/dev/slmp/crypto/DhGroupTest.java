package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Key generation, agreement and the public-key checks of spec 3.1. */
class DhGroupTest {
  private static final BigInteger P =
      new BigInteger("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", 16);
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static byte[] be32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return out;
  }

  /**
   * The static-key path (a cached comb for P-256) agrees with the plain one and refuses the same
   * keys.
   */
  @Test
  void agreementWithAStaticKeyMatchesThePlainAgreement() throws Exception {
    SecureRandom rnd = Randomness.threadRandom();
    for (DhGroup g : new DhGroup[] {DhGroup.p256(), DhGroup.x25519()}) {
      byte[] serverPrivate = g.generatePrivate(rnd);
      byte[] serverPublic = g.publicKey(serverPrivate);
      for (int i = 0; i < 20; i++) {
        byte[] eph = g.generatePrivate(rnd);
        byte[] viaStatic = g.agreeWithStatic(eph, serverPublic);
        assertArrayEquals(g.agree(eph, serverPublic), viaStatic, g.name() + " round " + i);
        assertArrayEquals(
            g.agree(serverPrivate, g.publicKey(eph)), viaStatic, g.name() + " both sides agree");
        DhGroup.Peer peer = g.peer(g.publicKey(eph));
        assertArrayEquals(
            viaStatic, g.agree(serverPrivate, peer), g.name() + " through a checked peer");
        assertArrayEquals(
            viaStatic, g.agree(serverPrivate, peer), g.name() + " the same peer again");
        assertArrayEquals(
            viaStatic, g.agreeLongTerm(serverPrivate, peer), g.name() + " blinded long-term key");
      }
    }
    byte[] priv = DhGroup.p256().generatePrivate(rnd);
    byte[] offCurve = DhGroup.p256().publicKey(priv);
    offCurve[64] ^= 1;
    for (int i = 0; i < 2; i++) {
      // A refused key is never cached: the second attempt is refused the same way.
      InvalidKeyException e =
          assertThrows(
              InvalidKeyException.class, () -> DhGroup.p256().agreeWithStatic(priv, offCurve));
      assertEquals("P-256 point is not on the curve", e.getMessage());
      assertThrows(
          InvalidKeyException.class,
          () -> DhGroup.p256().peer(offCurve),
          "a peer is checked at once");
    }
    assertThrows(
        InvalidKeyException.class,
        () -> DhGroup.x25519().agreeWithStatic(priv, new byte[32]),
        "low order");
    DhGroup.Peer lowOrder = DhGroup.x25519().peer(new byte[32]);
    assertThrows(
        InvalidKeyException.class,
        () -> DhGroup.x25519().agree(priv, lowOrder),
        "low order through a peer");
  }

  @Test
  void p256Agreement() throws Exception {
    DhGroup g = DhGroup.p256();
    SecureRandom rnd = Randomness.threadRandom();
    assertEquals("P-256", g.name());
    assertEquals(65, g.publicKeyLength());
    for (int i = 0; i < 3; i++) {
      byte[] a = g.generatePrivate(rnd);
      byte[] b = g.generatePrivate(rnd);
      assertEquals(32, a.length);
      byte[] pa = g.publicKey(a);
      byte[] pb = g.publicKey(b);
      assertEquals(65, pa.length);
      assertEquals(0x04, pa[0]);
      assertEquals(65, pb.length);
      assertEquals(0x04, pb[0]);
      g.validatePublic(pa);
      byte[] s1 = g.agree(a, pb);
      byte[] s2 = g.agree(b, pa);
      assertEquals(32, s1.length);
      assertArrayEquals(s1, s2);
    }
  }

  @Test
  void p256PrivateKeyRange() {
    DhGroup g = DhGroup.p256();
    assertThrows(IllegalArgumentException.class, () -> g.publicKey(new byte[32]), "d = 0");
    assertThrows(IllegalArgumentException.class, () -> g.publicKey(be32(N)), "d = n");
    assertDoesNotThrow(() -> g.publicKey(be32(N.subtract(BigInteger.ONE))), "d = n - 1");
    assertDoesNotThrow(() -> g.publicKey(be32(BigInteger.ONE)), "d = 1");
  }

  @Test
  void p256RejectsBadEncodings() throws Exception {
    DhGroup g = DhGroup.p256();
    SecureRandom rnd = Randomness.threadRandom();
    byte[] priv = g.generatePrivate(rnd);
    byte[] pub = g.publicKey(g.generatePrivate(rnd));
    boolean yOdd = (pub[64] & 1) == 1;

    // Hybrid prefixes 06/07: the library would accept the matching one; SLMP must not.
    for (int prefix : new int[] {0x06, 0x07}) {
      byte[] h = pub.clone();
      h[0] = (byte) prefix;
      assertThrows(InvalidKeyException.class, () -> g.validatePublic(h), "hybrid " + prefix);
      assertThrows(InvalidKeyException.class, () -> g.agree(priv, h), "hybrid " + prefix);
    }
    byte[] matchingHybrid = pub.clone();
    matchingHybrid[0] = (byte) (yOdd ? 0x07 : 0x06);
    assertThrows(
        InvalidKeyException.class, () -> g.agree(priv, matchingHybrid), "matching hybrid prefix");

    // Compressed 02/03 || X.
    byte[] compressed = Arrays.copyOf(pub, 33);
    compressed[0] = (byte) (yOdd ? 0x03 : 0x02);
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, compressed), "compressed");

    // X = p (and Y = p): coordinates must be below the field prime.
    byte[] xp = pub.clone();
    System.arraycopy(be32(P), 0, xp, 1, 32);
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, xp), "X = p");
    byte[] yp = pub.clone();
    System.arraycopy(be32(P), 0, yp, 33, 32);
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, yp), "Y = p");

    // Wrong lengths.
    assertThrows(
        InvalidKeyException.class, () -> g.agree(priv, Arrays.copyOfRange(pub, 1, 65)), "64 bytes");
    assertThrows(
        InvalidKeyException.class, () -> g.agree(priv, Arrays.copyOf(pub, 66)), "66 bytes");
    assertThrows(
        InvalidKeyException.class,
        () -> g.agree(priv, Bytes.concat(new byte[] {0}, pub)),
        "66 bytes, 00 prefix");
    assertThrows(
        InvalidKeyException.class, () -> g.agree(priv, new byte[] {0}), "infinity encoding");
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, Bytes.EMPTY), "empty");

    // Off the curve.
    byte[] off = pub.clone();
    off[64] ^= 1;
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, off), "off curve");
    assertThrows(
        InvalidKeyException.class,
        () -> g.agree(priv, Bytes.concat(new byte[] {4}, new byte[64])),
        "(0, 0)");
  }

  @Test
  void x25519Agreement() throws Exception {
    DhGroup g = DhGroup.x25519();
    SecureRandom rnd = Randomness.threadRandom();
    assertEquals("X25519", g.name());
    assertEquals(32, g.publicKeyLength());
    for (int i = 0; i < 3; i++) {
      byte[] a = g.generatePrivate(rnd);
      byte[] b = g.generatePrivate(rnd);
      assertEquals(32, a.length);
      byte[] pa = g.publicKey(a);
      byte[] pb = g.publicKey(b);
      assertEquals(32, pa.length);
      assertEquals(32, pb.length);
      byte[] s1 = g.agree(a, pb);
      assertEquals(32, s1.length);
      assertArrayEquals(s1, g.agree(b, pa));
    }
  }

  @Test
  void x25519Rejects() {
    DhGroup g = DhGroup.x25519();
    byte[] priv = g.generatePrivate(Randomness.threadRandom());
    byte[] pub = g.publicKey(g.generatePrivate(Randomness.threadRandom()));
    assertThrows(
        InvalidKeyException.class, () -> g.agree(priv, Arrays.copyOf(pub, 31)), "31 bytes");
    assertThrows(
        InvalidKeyException.class, () -> g.agree(priv, Arrays.copyOf(pub, 33)), "33 bytes");
    // Low-order points u = 0 and u = 1 give an all-zero shared secret.
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, new byte[32]), "u = 0");
    byte[] one = new byte[32];
    one[0] = 1;
    assertThrows(InvalidKeyException.class, () -> g.agree(priv, one), "u = 1");
    assertThrows(
        IllegalArgumentException.class, () -> g.agree(new byte[31], pub), "31-byte private key");
    assertThrows(
        IllegalArgumentException.class, () -> g.publicKey(new byte[33]), "33-byte private key");
  }

  @Test
  void theStaticP256ScalarIsBlindedWithAtLeast128RandomBits() {
    assertTrue(P256Group.BLINDING_BITS >= 128, "blinding bits " + P256Group.BLINDING_BITS);
  }
}
