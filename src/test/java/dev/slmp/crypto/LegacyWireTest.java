package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.testing.SeedCrypto;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The incremental readers of the prototype's format against the independent JDK implementation in
 * the tests.
 */
class LegacyWireTest {
  private static final byte[] KEY = new byte[32];

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void keyDerivationMatchesTheIndependentImplementation() throws Exception {
    KeyPair a = SeedCrypto.newKeyPair();
    KeyPair b = SeedCrypto.newKeyPair();
    byte[] expected = SeedCrypto.fernetKey(a.getPrivate(), b.getPublic());
    byte[] bPub = new LegacyWire.PemReader().append(ascii(SeedCrypto.pem(b.getPublic())));
    byte[] aPriv = Pem.privateFromPkcs8(a.getPrivate().getEncoded()).key();
    assertArrayEquals(expected, LegacyWire.fernetKey(DhGroup.p256().agree(aPriv, bPub)));
  }

  @Test
  void aTokenFedByteByByteCompletesExactlyAtItsEnd() throws Exception {
    for (String msg : new String[] {"x", "Hello SLMP!", "a".repeat(47), "b".repeat(100)}) {
      String token = SeedCrypto.encrypt(KEY, msg.getBytes(StandardCharsets.UTF_8));
      LegacyWire.TokenReader r = new LegacyWire.TokenReader(KEY, 4096);
      for (int i = 0; i < token.length() - 1; i++) {
        assertNull(
            r.append(new byte[] {(byte) token.charAt(i)}),
            "complete early at " + i + " of " + token.length());
      }
      assertArrayEquals(
          msg.getBytes(StandardCharsets.UTF_8),
          r.append(new byte[] {(byte) token.charAt(token.length() - 1)}));
    }
  }

  @Test
  void aPaddedTokenThatDoesNotVerifyIsRefusedAtOnce() throws Exception {
    String token =
        SeedCrypto.encrypt(KEY, "x".getBytes(StandardCharsets.UTF_8)); // 73 bytes: "==" padding
    assertTrue(token.endsWith("=="));
    char[] t = token.toCharArray();
    t[40] = t[40] == 'A' ? 'B' : 'A';
    assertThrows(
        OpenFailedException.class,
        () -> new LegacyWire.TokenReader(KEY, 4096).append(ascii(new String(t))));
    byte[] other = KEY.clone();
    other[0] ^= 1;
    assertThrows(
        OpenFailedException.class,
        () -> new LegacyWire.TokenReader(other, 4096).append(ascii(token)));
  }

  @Test
  void garbageAndOversizeAreRefused() throws Exception {
    assertThrows(
        OpenFailedException.class,
        () -> new LegacyWire.TokenReader(KEY, 4096).append(ascii("gAAAA+AA")));
    assertThrows(
        OpenFailedException.class,
        () -> new LegacyWire.TokenReader(KEY, 4096).append(ascii("gA=A")));
    assertThrows(
        OpenFailedException.class,
        () -> new LegacyWire.TokenReader(KEY, 4096).append(ascii("gAAAA\n")));
    LegacyWire.TokenReader r = new LegacyWire.TokenReader(KEY, 300);
    assertNull(r.append(ascii("A".repeat(300))));
    assertThrows(OpenFailedException.class, () -> r.append(ascii("A")));
  }

  @Test
  void pemReaderTakesPiecesAndCrlfAndKeepsWhatFollows() throws Exception {
    KeyPair k = SeedCrypto.newKeyPair();
    String pem = SeedCrypto.pem(k.getPublic()).replace("\n", "\r\n");
    LegacyWire.PemReader r = new LegacyWire.PemReader();
    assertNull(r.append(ascii(pem.substring(0, 50))));
    assertNull(r.append(ascii(pem.substring(50, pem.length() - 1))));
    byte[] key = r.append(ascii("\ngAAA"));
    assertNotNull(key);
    assertEquals(65, key.length);
    assertArrayEquals(ascii("gAAA"), r.leftover());
  }

  @Test
  void pemReaderRefusesGarbageOffCurveOtherCurvesAndOversize() throws Exception {
    assertThrows(
        InvalidKeySpecException.class,
        () -> new LegacyWire.PemReader().append(ascii("-GET / HTTP/1.1")));
    assertThrows(
        InvalidKeySpecException.class,
        () -> new LegacyWire.PemReader().append(ascii("-----BEGIN PRIVATE KEY-----")));
    KeyPair k = SeedCrypto.newKeyPair();
    assertThrows(
        InvalidKeySpecException.class,
        () ->
            new LegacyWire.PemReader()
                .append(ascii(SeedCrypto.pem(SeedCrypto.offCurveSpki(k.getPublic())))));
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    assertThrows(
        InvalidKeySpecException.class,
        () ->
            new LegacyWire.PemReader()
                .append(ascii(SeedCrypto.pem(g.generateKeyPair().getPublic()))));
    LegacyWire.PemReader r = new LegacyWire.PemReader();
    assertNull(r.append(ascii(LegacyWire.PEM_BEGIN + "\n" + "A".repeat(900))));
    assertThrows(InvalidKeySpecException.class, () -> r.append(ascii("A".repeat(200))));
  }

  @Test
  void credentialIsTheSeedsHexDigest() {
    assertEquals(
        SeedCrypto.credential("user1", "my_secret"),
        new String(
            LegacyWire.credential(ascii("user1"), ascii("my_secret")), StandardCharsets.US_ASCII));
    LegacyWire.Submission s =
        LegacyWire.Submission.parse(SeedCrypto.submission("user1", "my_secret", "a;b"));
    assertTrue(s.matches(ascii("my_secret")));
    assertEquals("a;b", new String(s.message(), StandardCharsets.UTF_8));
    assertNull(LegacyWire.Submission.parse(ascii("only;one")));
  }
}
