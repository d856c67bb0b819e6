package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Wycheproof HKDF-SHA256 against {@code Hkdf.derive}. */
class WycheproofHkdfTest {
  private static final String FILE = "wycheproof/hkdf_sha256_test.json";

  @Test
  void vectors() throws Exception {
    JsonObject file = Vectors.object(FILE);
    Wycheproof.Tally tally = new Wycheproof.Tally();
    int[] emptySalt = {0};

    int ran =
        Wycheproof.forEach(
            file,
            (group, t) -> {
              String id = Wycheproof.id(t);
              String result = t.getString("result");
              tally.add(result);
              byte[] ikm = Wycheproof.hex(t, "ikm");
              byte[] salt = Wycheproof.hex(t, "salt");
              byte[] info = Wycheproof.hex(t, "info");
              int size = t.getInteger("size");
              if (salt.length == 0) {
                emptySalt[0]++;
              }
              switch (result) {
                case "valid":
                  byte[] okm = Hkdf.derive(salt, ikm, info, size);
                  assertEquals(size, okm.length, id);
                  assertArrayEquals(Wycheproof.hex(t, "okm"), okm, id);
                  break;
                case "invalid":
                  assertTrue(
                      Wycheproof.hasFlag(t, "SizeTooLarge"), id + ": unexpected invalid case");
                  assertThrows(
                      IllegalArgumentException.class, () -> Hkdf.derive(salt, ikm, info, size), id);
                  break;
                default:
                  fail(id + ": unexpected result " + result);
              }
            });

    assertEquals(file.getInteger("numberOfTests"), ran, "numberOfTests");
    assertTrue(ran >= 86, "ran only " + ran);
    assertEquals(83, tally.get("valid"), "valid");
    assertEquals(3, tally.get("invalid"), "invalid");
    assertTrue(emptySalt[0] > 0, "no EmptySalt case exercised");
    Vectors.report(FILE, ran, tally + ", empty salt: " + emptySalt[0]);
  }

  @Test
  void boundaries() {
    byte[] prk = Hkdf.extract(Bytes.EMPTY, Bytes.unhex("00"));
    assertEquals(0, Hkdf.expand(prk, Bytes.EMPTY, 0).length);
    assertEquals(Hkdf.MAX_OUTPUT, Hkdf.expand(prk, Bytes.EMPTY, Hkdf.MAX_OUTPUT).length);
    assertThrows(
        IllegalArgumentException.class, () -> Hkdf.expand(prk, Bytes.EMPTY, Hkdf.MAX_OUTPUT + 1));
    assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, Bytes.EMPTY, -1));
    // An empty salt is HMAC with 32 zero bytes as the key (RFC 5869 2.2).
    assertArrayEquals(
        Hkdf.extract(new byte[32], Bytes.unhex("0102")),
        Hkdf.extract(Bytes.EMPTY, Bytes.unhex("0102")));
  }
}
