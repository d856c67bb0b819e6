package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof AES-GCM against {@code AeadSealer(AES_128_GCM)}. SLMP suite 0x02 uses AES-128 with a
 * 96-bit iv only, so only groups with keySize 128 and ivSize 96 are applicable; the rest are
 * counted as skipped.
 */
class WycheproofAesGcmTest {
  private static final String FILE = "wycheproof/aes_gcm_test.json";

  @Test
  void vectors() throws Exception {
    JsonObject file = Vectors.object(FILE);
    Wycheproof.Tally tally = new Wycheproof.Tally();
    int[] skipped = {0};

    int total =
        Wycheproof.forEach(
            file,
            (group, t) -> {
              String id = Wycheproof.id(t);
              assertEquals(128, group.getInteger("tagSize"), id);
              if (group.getInteger("keySize") != 128 || group.getInteger("ivSize") != 96) {
                skipped[0]++;
                // Not applicable to the SLMP profile. Still, the sealer must not take such a key or
                // iv.
                byte[] key = Wycheproof.hex(t, "key");
                byte[] iv = Wycheproof.hex(t, "iv");
                assertThrows(
                    IllegalArgumentException.class,
                    () -> new AeadSealer(AeadSealer.Algorithm.AES_128_GCM, key, iv),
                    id + ": out-of-profile key/iv accepted");
                return;
              }
              tally.add(t.getString("result"));
              AeadVectors.check(AeadSealer.Algorithm.AES_128_GCM, t);
            });
    int ran = total - skipped[0];

    assertEquals(file.getInteger("numberOfTests"), total, "numberOfTests");
    assertTrue(total >= 316, "walked only " + total);
    // keySize 128 / ivSize 96: one group of 67 cases (40 valid, 27 ModifiedTag).
    assertTrue(ran >= 67, "ran only " + ran);
    assertEquals(40, tally.get("valid"), "valid");
    assertEquals(27, tally.get("invalid"), "invalid");
    Vectors.report(
        FILE,
        ran,
        tally
            + "; skipped "
            + skipped[0]
            + " of "
            + total
            + " not applicable (keySize != 128 or ivSize != 96; constructor checked to refuse them)");
  }
}
