package dev.slmp.protocol;

import static dev.slmp.crypto.Bytes.hex;
import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.AeadSealer;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Fernet;
import dev.slmp.crypto.FernetSealer;
import dev.slmp.crypto.Hkdf;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every list of {@code slmp1/primitives.json} against the primitives of {@code dev.slmp.crypto} and
 * the derivations of {@link KeySchedule}. The hex in the file is normative: every comparison is
 * byte-exact.
 */
class PrimitivesVectorsTest {
  private static final String FILE = "slmp1/primitives.json";

  /** The lists of the file this test knows; a new list in the file must get a check here. */
  private static final Set<String> LISTS =
      new TreeSet<>(
          List.of(
              "labels",
              "hkdf_expand",
              "hkdf_extract",
              "key_id",
              "device_key",
              "aead_nonce",
              "early_keys",
              "x25519_low_order_points"));

  private static JsonObject v;

  @BeforeAll
  static void load() {
    v = Vectors.object(FILE);
    assertEquals("primitives", v.getString("scenario"));
  }

  private static JsonArray list(String name) {
    JsonArray a = v.getJsonArray(name);
    assertNotNull(a, "list " + name + " missing from " + FILE);
    assertTrue(a.size() > 0, "list " + name + " is empty");
    return a;
  }

  /**
   * A Randomness that must not be used (every seal here passes its iv and timestamp explicitly).
   */
  private static final Randomness NO_RANDOMNESS =
      new Randomness() {
        @Override
        public byte[] ephemeralPrivate(DhGroup group) {
          throw new AssertionError("no ephemeral key expected");
        }

        @Override
        public byte[] nonce16() {
          throw new AssertionError("no nonce expected");
        }

        @Override
        public FernetStamp fernetStamp() {
          throw new AssertionError("no Fernet stamp expected");
        }
      };

  // ---------------------------------------------------------------------------------------------------
  // One checker per list; each returns the number of cases it ran.

  private static int labels() {
    JsonArray a = list("labels");
    Map<String, byte[]> constants = new HashMap<>();
    constants.put("server confirm", Labels.SERVER_CONFIRM);
    constants.put("client auth key", Labels.CLIENT_AUTH_KEY);
    constants.put("client auth iv", Labels.CLIENT_AUTH_IV);
    constants.put("device proof", Labels.DEVICE_PROOF);
    constants.put("device key", Labels.DEVICE_KEY);
    constants.put("c2s key", Labels.C2S_KEY);
    constants.put("c2s iv", Labels.C2S_IV);
    constants.put("s2c key", Labels.S2C_KEY);
    constants.put("s2c iv", Labels.S2C_IV);
    constants.put("resumption", Labels.RESUMPTION);
    constants.put("session id", Labels.SESSION_ID);
    constants.put("binder", Labels.BINDER);
    constants.put("early key", Labels.EARLY_KEY);
    constants.put("early iv", Labels.EARLY_IV);
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      String s = c.getString("s");
      String id = "labels[" + i + "] " + s;
      byte[] expected = unhex(c.getString("hex"));
      assertArrayEquals(expected, Labels.label(s), id);
      assertArrayEquals(
          c.getString("label_ascii").getBytes(StandardCharsets.US_ASCII), expected, id + ": ascii");
      byte[] constant = constants.get(s);
      assertNotNull(constant, id + ": no Labels constant for this label");
      assertArrayEquals(expected, constant, id + ": Labels constant");
      ran++;
    }
    return ran;
  }

  private static int hkdfExpand() {
    JsonArray a = list("hkdf_expand");
    boolean sawZero = false;
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      int length = c.getInteger("length");
      String id = "hkdf_expand[" + i + "] length " + length;
      byte[] okm = Hkdf.expand(unhex(c.getString("prk")), unhex(c.getString("info")), length);
      assertEquals(length, okm.length, id);
      assertEquals(c.getString("okm"), hex(okm), id);
      sawZero |= length == 0;
      ran++;
    }
    assertTrue(sawZero, "hkdf_expand has no length-0 case");
    return ran;
  }

  private static int hkdfExtract() {
    JsonArray a = list("hkdf_extract");
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      String id = "hkdf_extract[" + i + "]";
      assertEquals(
          c.getString("prk"),
          hex(Hkdf.extract(unhex(c.getString("salt")), unhex(c.getString("ikm")))),
          id);
      ran++;
    }
    return ran;
  }

  private static int keyId() {
    JsonArray a = list("key_id");
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      String id = "key_id[" + i + "] " + c.getString("group");
      byte[] pub = unhex(c.getString("public"));
      DhGroup group = "X25519".equals(c.getString("group")) ? DhGroup.x25519() : DhGroup.p256();
      assertEquals(c.getString("group"), group.name(), id);
      assertEquals(group.publicKeyLength(), pub.length, id + ": public key length");
      byte[] kid = KeySchedule.keyId(pub);
      assertEquals(KeySchedule.KEY_ID_LENGTH, kid.length, id);
      assertEquals(c.getString("key_id"), hex(kid), id);
      ran++;
    }
    return ran;
  }

  private static int deviceKey() {
    JsonArray a = list("device_key");
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      String id = "device_key[" + i + "]";
      byte[] deviceId = unhex(c.getString("device_id_hex"));
      // The text and the hex must agree (raw UTF-8, no normalisation).
      assertArrayEquals(
          c.getString("device_id").getBytes(StandardCharsets.UTF_8),
          deviceId,
          id + ": device_id_hex");
      byte[] key = KeySchedule.deviceKey(unhex(c.getString("master_secret")), deviceId);
      assertEquals(c.getString("device_key"), hex(key), id);
      ran++;
    }
    return ran;
  }

  private static int aeadNonce() {
    JsonArray a = list("aead_nonce");
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      long seq = c.getLong("seq");
      String id = "aead_nonce[" + i + "] seq " + seq;
      byte[] iv = unhex(c.getString("iv"));
      byte[] ivCopy = iv.clone();
      assertEquals(c.getString("nonce"), hex(AeadSealer.nonce(iv, seq)), id);
      assertArrayEquals(ivCopy, iv, id + ": nonce() must not change the iv");
      ran++;
    }
    return ran;
  }

  private static int earlyKeys() {
    JsonArray a = list("early_keys");
    // (suite, counter) -> nonce_c hex -> derived key material
    Map<String, Map<String, KeyMaterial>> byCounter = new LinkedHashMap<>();
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      Suite suite = Suite.byId(c.getInteger("suite"));
      long counter = c.getLong("counter");
      String id = "early_keys[" + i + "] suite " + c.getInteger("suite") + " counter " + counter;
      assertNotNull(suite, id + ": unknown suite");
      byte[] rs = unhex(c.getString("rs"));
      byte[] nonceC = unhex(c.getString("nonce_c"));
      assertEquals(16, nonceC.length, id + ": nonce_c length");

      // The HKDF infos: label("early key"/"early iv") || u32(counter) || nonce_c.
      assertEquals(
          c.getString("key_info"),
          hex(Bytes.concat(Labels.label("early key"), Bytes.u32(counter), nonceC)),
          id);
      assertEquals(
          c.getString("iv_info"),
          hex(Bytes.concat(Labels.label("early iv"), Bytes.u32(counter), nonceC)),
          id);
      // The expected keys are Expand(rs, info, n) over exactly those infos.
      assertEquals(
          c.getString("K_early_key"),
          hex(Hkdf.expand(rs, unhex(c.getString("key_info")), suite.keyBytes())),
          id);
      assertEquals(
          c.getString("K_early_iv"),
          hex(Hkdf.expand(rs, unhex(c.getString("iv_info")), suite.ivBytes())),
          id);

      KeyMaterial k = KeySchedule.earlyKey(suite, rs, counter, nonceC);
      assertEquals(suite.keyBytes(), k.key().length, id + ": key length");
      assertEquals(suite.ivBytes(), k.iv().length, id + ": iv length");
      assertEquals(c.getString("K_early_key"), hex(k.key()), id + ": K_early key");
      assertEquals(c.getString("K_early_iv"), hex(k.iv()), id + ": K_early iv");

      KeyMaterial previous =
          byCounter
              .computeIfAbsent(suite.id() + "/" + counter, x -> new LinkedHashMap<>())
              .put(c.getString("nonce_c"), k);
      assertEquals(null, previous, id + ": duplicate (suite, counter, nonce_c)");
      ran++;
    }
    // For each suite, the same counter with two different nonce_c gives different keys.
    Set<Integer> suitesWithPairs = new TreeSet<>();
    for (Map.Entry<String, Map<String, KeyMaterial>> e : byCounter.entrySet()) {
      List<KeyMaterial> ks = new ArrayList<>(e.getValue().values());
      for (int x = 0; x < ks.size(); x++) {
        for (int y = x + 1; y < ks.size(); y++) {
          assertFalse(
              Arrays.equals(ks.get(x).key(), ks.get(y).key()),
              "suite/counter " + e.getKey() + ": two nonce_c gave the same K_early key");
          if (ks.get(x).iv().length > 0) {
            assertFalse(
                Arrays.equals(ks.get(x).iv(), ks.get(y).iv()),
                "suite/counter " + e.getKey() + ": two nonce_c gave the same K_early iv");
          }
        }
      }
      if (ks.size() >= 2) {
        suitesWithPairs.add(Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('/'))));
      }
    }
    assertEquals(Set.of(1, 2, 3), suitesWithPairs, "every suite needs a counter with two nonce_c");
    return ran;
  }

  private static int fernetBinary() throws Exception {
    JsonObject c = v.getJsonObject("fernet_binary");
    assertNotNull(c, "fernet_binary missing");
    byte[] key = unhex(c.getString("key"));
    byte[] iv = unhex(c.getString("iv"));
    long timestamp = c.getLong("timestamp");
    byte[] aad = unhex(c.getString("aad"));
    byte[] plaintext = unhex(c.getString("plaintext"));
    byte[] token = unhex(c.getString("token"));

    assertEquals(
        c.getString("signing_key"), hex(Bytes.slice(key, 0, 16)), "signing key = key[0:16]");
    assertEquals(
        c.getString("encryption_key"),
        hex(Bytes.slice(key, 16, 32)),
        "encryption key = key[16:32]");
    assertEquals(
        c.getString("fernet_plaintext"),
        hex(Bytes.concat(aad, plaintext)),
        "fernet_plaintext = aad || plaintext");

    FernetSealer sealer = new FernetSealer(key, NO_RANDOMNESS);
    assertEquals(
        c.getString("token"),
        hex(sealer.seal(iv, timestamp, aad, plaintext)),
        "fernet_binary seal");
    // The Sealer interface draws the same stamp from the injected randomness.
    FernetSealer stamped = new FernetSealer(key, fixedStamp(iv, timestamp));
    assertEquals(
        c.getString("token"),
        hex(stamped.seal(1, aad, plaintext)),
        "fernet_binary seal via Randomness");
    assertArrayEquals(plaintext, sealer.open(1, aad, token), "fernet_binary open");
    assertArrayEquals(
        Bytes.concat(aad, plaintext),
        sealer.openToken(token, 0, token.length),
        "fernet_binary openToken");

    String b64 = c.getString("token_base64url");
    assertArrayEquals(token, Base64.getUrlDecoder().decode(b64), "token_base64url is the token");
    Fernet lib = Fernet.fromBase64Key(c.getString("fernet_library_key"));
    assertEquals(c.getString("fernet_plaintext"), hex(lib.decrypt(b64)), "Fernet library form");
    assertEquals(timestamp, Fernet.timestamp(b64));
    assertArrayEquals(
        key, Base64.getUrlDecoder().decode(c.getString("fernet_library_key")), "library key");
    return 1;
  }

  private static int x25519LowOrder() {
    JsonArray a = list("x25519_low_order_points");
    byte[] priv = unhex(v.getString("x25519_private_used"));
    assertEquals(32, priv.length);
    int ran = 0;
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      String id = "x25519_low_order_points[" + i + "] " + c.getString("name");
      byte[] u = unhex(c.getString("u"));
      assertEquals(32, u.length, id);
      assertTrue(
          Bytes.isAllZero(unhex(c.getString("x25519(server_static_private, u)"))),
          id + ": vector result");
      assertThrows(InvalidKeyException.class, () -> DhGroup.x25519().agree(priv, u), id);
      ran++;
    }
    return ran;
  }

  private static Randomness fixedStamp(byte[] iv, long timestamp) {
    return new Randomness() {
      @Override
      public byte[] ephemeralPrivate(DhGroup group) {
        throw new AssertionError("no ephemeral key expected");
      }

      @Override
      public byte[] nonce16() {
        throw new AssertionError("no nonce expected");
      }

      @Override
      public FernetStamp fernetStamp() {
        return new FernetStamp(iv.clone(), timestamp);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------------

  @Test
  void everyListOfTheFile() throws Exception {
    // Every list in the file is one this test checks (a new list would otherwise go unchecked).
    Set<String> inFile = new TreeSet<>();
    for (String name : v.fieldNames()) {
      if (v.getValue(name) instanceof JsonArray) {
        inFile.add(name);
      }
    }
    assertEquals(LISTS, inFile, "lists in " + FILE);

    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("labels", labels());
    counts.put("hkdf_expand", hkdfExpand());
    counts.put("hkdf_extract", hkdfExtract());
    counts.put("key_id", keyId());
    counts.put("device_key", deviceKey());
    counts.put("aead_nonce", aeadNonce());
    counts.put("early_keys", earlyKeys());
    counts.put("x25519_low_order_points", x25519LowOrder());
    int expected = 0;
    for (String name : LISTS) {
      int n = counts.get(name);
      assertTrue(n > 0, name + " ran no case");
      assertEquals(v.getJsonArray(name).size(), n, name + ": cases run");
      expected += v.getJsonArray(name).size();
    }
    int fernet = fernetBinary();
    counts.put("fernet_binary", fernet);
    expected += 1; // fernet_binary is a single object

    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(expected, total, "total cases run");
    StringBuilder detail = new StringBuilder();
    counts.forEach(
        (k, n) -> detail.append(detail.length() == 0 ? "" : ", ").append(k).append(' ').append(n));
    Vectors.report(FILE, total, detail.toString());
  }

  /** The comparisons are byte-exact: any one altered byte of an expected value is a mismatch. */
  @Test
  void comparisonsAreByteExact() throws Exception {
    JsonObject c = v.getJsonObject("fernet_binary");
    byte[] key = unhex(c.getString("key"));
    byte[] token = unhex(c.getString("token"));
    FernetSealer sealer = new FernetSealer(key, NO_RANDOMNESS);
    byte[] actual =
        sealer.seal(
            unhex(c.getString("iv")),
            c.getLong("timestamp"),
            unhex(c.getString("aad")),
            unhex(c.getString("plaintext")));
    assertEquals(hex(token), hex(actual));

    for (int i = 0; i < token.length; i++) {
      byte[] mutated = token.clone();
      mutated[i] ^= 0x01;
      assertNotEquals(hex(mutated), hex(actual), "byte " + i);
      assertFalse(Arrays.equals(mutated, actual), "byte " + i);
      // And the altered token does not open (the HMAC covers every byte before it, timestamp and iv
      // included).
      final byte[] m = mutated;
      assertThrows(OpenFailedException.class, () -> sealer.openToken(m, 0, m.length), "byte " + i);
    }
    // The last byte of the hex string specifically (the HMAC's last byte).
    String expectedHex = c.getString("token");
    char last = expectedHex.charAt(expectedHex.length() - 1);
    String mutatedHex =
        expectedHex.substring(0, expectedHex.length() - 1) + (last == '0' ? '1' : '0');
    assertNotEquals(mutatedHex, hex(actual));

    // Same for a derived key and a label.
    JsonObject dk = v.getJsonArray("device_key").getJsonObject(0);
    byte[] derived =
        KeySchedule.deviceKey(
            unhex(dk.getString("master_secret")), unhex(dk.getString("device_id_hex")));
    byte[] expectedKey = unhex(dk.getString("device_key"));
    for (int i = 0; i < expectedKey.length; i++) {
      byte[] m = expectedKey.clone();
      m[i] ^= (byte) 0x80;
      assertNotEquals(hex(m), hex(derived), "device_key byte " + i);
    }
    byte[] labelHex = unhex(v.getJsonArray("labels").getJsonObject(0).getString("hex"));
    byte[] truncated = Arrays.copyOf(labelHex, labelHex.length - 1);
    assertNotEquals(
        hex(truncated),
        hex(Labels.label(v.getJsonArray("labels").getJsonObject(0).getString("s"))));
    byte[] extended =
        Arrays.copyOf(labelHex, labelHex.length + 1); // a NUL terminator is not part of label(s)
    assertNotEquals(
        hex(extended), hex(Labels.label(v.getJsonArray("labels").getJsonObject(0).getString("s"))));
  }
}
