package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Wycheproof HMAC-SHA256 (full and 128-bit truncated tags) against {@code Hashes.hmac}. */
class WycheproofHmacTest {
  private static final String FILE = "wycheproof/hmac_sha256_test.json";

  @Test
  void vectors() throws Exception {
    JsonObject file = Vectors.object(FILE);
    Wycheproof.Tally tally = new Wycheproof.Tally();
    int[] truncated = {0};

    int ran =
        Wycheproof.forEach(
            file,
            (group, t) -> {
              String id = Wycheproof.id(t);
              String result = t.getString("result");
              tally.add(result);
              int tagBytes = group.getInteger("tagSize") / 8;
              byte[] key = Wycheproof.hex(t, "key");
              byte[] msg = Wycheproof.hex(t, "msg");
              byte[] tag = Wycheproof.hex(t, "tag");
              assertEquals(group.getInteger("keySize") / 8, key.length, id);
              assertEquals(tagBytes, tag.length, id);
              if (tagBytes < Hashes.LEN) {
                truncated[0]++;
              }

              byte[] mac = Hashes.hmac(key, msg);
              assertEquals(Hashes.LEN, mac.length, id);
              boolean equal = Bytes.constantTimeEquals(Arrays.copyOf(mac, tagBytes), tag);
              // The region form used on frame bodies must agree with the varargs form.
              byte[] padded = new byte[msg.length + 7];
              System.arraycopy(msg, 0, padded, 3, msg.length);
              assertTrue(
                  Arrays.equals(mac, Hashes.hmac(key, padded, 3, msg.length)),
                  id + ": region HMAC differs");

              switch (result) {
                case "valid":
                  assertTrue(equal, id + ": tag mismatch");
                  break;
                case "invalid":
                  assertFalse(equal, id + ": modified tag accepted");
                  break;
                default:
                  fail(id + ": unexpected result " + result);
              }
            });

    assertEquals(file.getInteger("numberOfTests"), ran, "numberOfTests");
    assertTrue(ran >= 174, "ran only " + ran);
    assertEquals(66, tally.get("valid"), "valid");
    assertEquals(108, tally.get("invalid"), "invalid");
    assertTrue(truncated[0] > 0, "no truncated-tag case exercised");
    Vectors.report(FILE, ran, tally + ", truncated 128-bit tags: " + truncated[0]);
  }
}
