package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Wycheproof ECDH P-256 with raw X9.62 points, against {@code DhGroup.p256().agree}. */
class WycheproofEcdhP256Test {
  private static final String FILE = "wycheproof/ecdh_secp256r1_ecpoint_test.json";
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  /**
   * Wycheproof private keys are big integers in hex (a leading 00, or fewer than 32 bytes): make
   * them 32 bytes.
   */
  static byte[] privateKey32(String hex) {
    BigInteger d = new BigInteger(1, Bytes.unhex(hex));
    byte[] raw = d.toByteArray(); // minimal two's complement, maybe with a leading 00
    int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    int len = raw.length - start;
    if (len > 32) {
      return null; // does not fit in 32 bytes: out of range
    }
    byte[] out = new byte[32];
    System.arraycopy(raw, start, out, 32 - len, len);
    return out;
  }

  @Test
  void vectors() throws Exception {
    JsonObject file = Vectors.object(FILE);
    DhGroup p256 = DhGroup.p256();
    Wycheproof.Tally tally = new Wycheproof.Tally();
    int[] outOfRange = {0};

    int ran =
        Wycheproof.forEach(
            file,
            (group, t) -> {
              String id = Wycheproof.id(t);
              assertEquals("secp256r1", group.getString("curve"), id);
              String result = t.getString("result");
              tally.add(result);
              byte[] pub = Wycheproof.hex(t, "public");
              byte[] priv = privateKey32(t.getString("private"));
              BigInteger d = new BigInteger(1, Bytes.unhex(t.getString("private")));
              boolean privInRange = priv != null && d.signum() > 0 && d.compareTo(N) < 0;

              if (!privInRange) {
                // SLMP private keys are 1 <= d < n (spec 3.1); the implementation refuses others
                // with
                // IllegalArgumentException. That is only acceptable for a case that is not valid.
                outOfRange[0]++;
                assertTrue(
                    !"valid".equals(result), id + ": valid case with an out-of-range private key");
                byte[] k = priv != null ? priv : new byte[32];
                // agree() checks the public key first, so an invalid point may win with
                // InvalidKeyException;
                // otherwise the scalar check throws IllegalArgumentException. Nothing else is
                // acceptable.
                Exception e = assertThrows(Exception.class, () -> p256.agree(k, pub), id);
                assertTrue(
                    e instanceof IllegalArgumentException || e instanceof InvalidKeyException,
                    id + ": threw " + e);
                return;
              }

              switch (result) {
                case "valid":
                  {
                    byte[] shared;
                    try {
                      shared = p256.agree(priv, pub);
                    } catch (InvalidKeyException e) {
                      throw new AssertionError(id + ": valid case rejected: " + e.getMessage());
                    }
                    assertArrayEquals(Wycheproof.hex(t, "shared"), shared, id);
                    break;
                  }
                case "invalid":
                  assertThrows(InvalidKeyException.class, () -> p256.agree(priv, pub), id);
                  break;
                case "acceptable":
                  // The only acceptable case is a compressed point; SLMP accepts 04||X||Y only
                  // (spec 3.1).
                  assertTrue(
                      Wycheproof.hasFlag(t, "CompressedPoint"),
                      id + ": unexpected acceptable case");
                  assertThrows(
                      InvalidKeyException.class,
                      () -> p256.agree(priv, pub),
                      id + ": compressed point accepted");
                  break;
                default:
                  fail(id + ": unknown result " + result);
              }
            });

    assertEquals(file.getInteger("numberOfTests"), ran, "numberOfTests");
    assertTrue(ran >= 355, "ran only " + ran);
    assertEquals(330, tally.get("valid"), "valid");
    assertEquals(1, tally.get("acceptable"), "acceptable");
    assertEquals(24, tally.get("invalid"), "invalid");
    Vectors.report(FILE, ran, tally + ", private keys out of range: " + outOfRange[0]);
  }

  @Test
  void privateKeyConversion() {
    assertArrayEquals(Bytes.unhex("00".repeat(31) + "01"), privateKey32("01"));
    assertArrayEquals(Bytes.unhex("ff".repeat(32)), privateKey32("00" + "ff".repeat(32)));
    assertEquals(null, privateKey32("01" + "00".repeat(32)));
  }
}
