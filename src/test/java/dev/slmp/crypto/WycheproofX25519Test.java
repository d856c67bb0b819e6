package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof X25519 against {@code DhGroup.x25519().agree}; an all-zero result must be refused
 * (spec 3.1).
 */
class WycheproofX25519Test {
  private static final String FILE = "wycheproof/x25519_test.json";

  @Test
  void vectors() throws Exception {
    JsonObject file = Vectors.object(FILE);
    DhGroup x25519 = DhGroup.x25519();
    Wycheproof.Tally tally = new Wycheproof.Tally();
    int[] zeroRejected = {0};

    int ran =
        Wycheproof.forEach(
            file,
            (group, t) -> {
              String id = Wycheproof.id(t);
              assertEquals("curve25519", group.getString("curve"), id);
              String result = t.getString("result");
              tally.add(result);
              byte[] pub = Wycheproof.hex(t, "public");
              byte[] priv = Wycheproof.hex(t, "private");
              byte[] expected = Wycheproof.hex(t, "shared");
              assertEquals(32, pub.length, id);
              assertEquals(32, priv.length, id);

              switch (result) {
                case "valid":
                  assertTrue(!Bytes.isAllZero(expected), id + ": valid case with zero output");
                  assertArrayEquals(expected, agree(x25519, priv, pub, id), id);
                  break;
                case "acceptable":
                  if (Bytes.isAllZero(expected)) {
                    // RFC 7748 6.1 / spec 3.1: a zero shared secret (low-order public key) MUST be
                    // refused.
                    assertTrue(
                        Wycheproof.hasFlag(t, "ZeroSharedSecret")
                            || Wycheproof.hasFlag(t, "LowOrderPublic"),
                        id);
                    assertThrows(
                        InvalidKeyException.class,
                        () -> x25519.agree(priv, pub),
                        id + ": zero shared secret accepted");
                    zeroRejected[0]++;
                  } else {
                    assertArrayEquals(expected, agree(x25519, priv, pub, id), id);
                  }
                  break;
                case "invalid":
                  assertThrows(InvalidKeyException.class, () -> x25519.agree(priv, pub), id);
                  break;
                default:
                  fail(id + ": unknown result " + result);
              }
            });

    assertEquals(file.getInteger("numberOfTests"), ran, "numberOfTests");
    assertTrue(ran >= 518, "ran only " + ran);
    assertEquals(264, tally.get("valid"), "valid");
    assertEquals(254, tally.get("acceptable"), "acceptable");
    assertTrue(zeroRejected[0] > 0, "no all-zero case was exercised");
    Vectors.report(FILE, ran, tally + ", all-zero outputs rejected: " + zeroRejected[0]);
  }

  private static byte[] agree(DhGroup g, byte[] priv, byte[] pub, String id) {
    try {
      return g.agree(priv, pub);
    } catch (InvalidKeyException e) {
      throw new AssertionError(id + ": rejected: " + e.getMessage());
    }
  }
}
