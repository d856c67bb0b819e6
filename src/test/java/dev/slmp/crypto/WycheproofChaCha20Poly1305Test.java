package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof ChaCha20-Poly1305 against {@code AeadSealer(CHACHA20_POLY1305)}; non-96-bit nonces
 * must be refused.
 */
class WycheproofChaCha20Poly1305Test {
  private static final String FILE = "wycheproof/chacha20_poly1305_test.json";

  @Test
  void vectors() throws Exception {
    JsonObject file = Vectors.object(FILE);
    Wycheproof.Tally tally = new Wycheproof.Tally();
    int[] badNonce = {0};

    int ran =
        Wycheproof.forEach(
            file,
            (group, t) -> {
              String id = Wycheproof.id(t);
              assertEquals(256, group.getInteger("keySize"), id);
              assertEquals(128, group.getInteger("tagSize"), id);
              tally.add(t.getString("result"));
              if (group.getInteger("ivSize") != 96) {
                assertEquals("invalid", t.getString("result"), id);
                assertTrue(Wycheproof.hasFlag(t, "InvalidNonceSize"), id);
                badNonce[0]++;
              }
              // For ivSize != 96 this asserts the constructor throws IllegalArgumentException.
              AeadVectors.check(AeadSealer.Algorithm.CHACHA20_POLY1305, t);
            });

    assertEquals(file.getInteger("numberOfTests"), ran, "numberOfTests");
    assertTrue(ran >= 325, "ran only " + ran);
    assertEquals(256, tally.get("valid"), "valid");
    assertEquals(69, tally.get("invalid"), "invalid");
    assertEquals(9, badNonce[0], "InvalidNonceSize cases");
    Vectors.report(
        FILE,
        ran,
        tally + ", of which " + badNonce[0] + " non-96-bit nonces refused by the constructor");
  }
}
