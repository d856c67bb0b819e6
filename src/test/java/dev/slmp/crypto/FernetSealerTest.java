package dev.slmp.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The binary Fernet form of spec 3.2. */
class FernetSealerTest {
  private static final byte[] KEY =
      Bytes.unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] SIGNING = Arrays.copyOfRange(KEY, 0, 16);
  private static final byte[] ENCRYPTION = Arrays.copyOfRange(KEY, 16, 32);
  private static final byte[] IV = Bytes.unhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  private static final byte[] AAD = "frame-header".getBytes(UTF_8);
  private static final byte[] PLAIN = "hello, device".getBytes(UTF_8);

  private final FernetSealer sealer = new FernetSealer(KEY, Randomness.secure());

  /**
   * A token built by hand: {@code 80 || ts || iv || AES-CBC-NoPadding(body) || HMAC}; body must be
   * block-aligned.
   */
  private static byte[] handToken(byte version, long ts, byte[] iv, byte[] alignedBody)
      throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ENCRYPTION, "AES"), new IvParameterSpec(iv));
    byte[] ct = c.doFinal(alignedBody);
    byte[] head = Bytes.concat(new byte[] {version}, u64(ts), iv, ct);
    return Bytes.concat(head, Hashes.hmac(SIGNING, head));
  }

  private static byte[] u64(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }

  /**
   * Recomputes the trailing HMAC after the token was edited (so only the edited property is wrong).
   */
  private static byte[] remac(byte[] token) {
    byte[] head = Arrays.copyOf(token, token.length - 32);
    return Bytes.concat(head, Hashes.hmac(SIGNING, head));
  }

  @Test
  void roundTripWithAad() throws Exception {
    byte[] token = sealer.seal(7, AAD, PLAIN);
    assertEquals(FernetSealer.VERSION, token[0]);
    assertEquals(0, (token.length - 57) % 16);
    assertEquals(57 + 32, token.length, "13 + 12 bytes pad to 32");
    assertArrayEquals(PLAIN, sealer.open(7, AAD, token));
    // Any sealer with the same key opens it; the seq does not enter Fernet.
    assertArrayEquals(PLAIN, new FernetSealer(KEY, Randomness.secure()).open(99, AAD, token));
    // Empty aad and empty plaintext: one block of padding, the smallest token.
    byte[] empty = sealer.seal(0, Bytes.EMPTY, Bytes.EMPTY);
    assertEquals(FernetSealer.MIN_TOKEN, empty.length);
    assertEquals(73, empty.length);
    assertArrayEquals(Bytes.EMPTY, sealer.open(0, Bytes.EMPTY, empty));
    // A block-aligned input gets a full block of padding.
    byte[] aligned = sealer.seal(0, Bytes.EMPTY, new byte[16]);
    assertEquals(57 + 32, aligned.length);
    assertArrayEquals(new byte[16], sealer.open(0, Bytes.EMPTY, aligned));
    // Two seals of the same input differ (fresh random iv).
    assertEquals(false, Arrays.equals(token, sealer.seal(7, AAD, PLAIN)));
  }

  @Test
  void opensAtAnOffset() throws Exception {
    byte[] token = sealer.seal(0, AAD, PLAIN);
    byte[] buf = Bytes.concat(new byte[] {1, 2, 3, 4, 5}, token, new byte[] {9, 9});
    assertArrayEquals(PLAIN, sealer.open(0, AAD, buf, 5, token.length));
  }

  @Test
  void rejectsWrongLength() {
    byte[] token = sealer.seal(0, AAD, PLAIN); // 89 bytes
    assertThrows(OpenFailedException.class, () -> sealer.open(0, AAD, Bytes.EMPTY));
    assertThrows(
        OpenFailedException.class, () -> sealer.open(0, AAD, Arrays.copyOf(token, 72)), "72 < 73");
    assertThrows(OpenFailedException.class, () -> sealer.open(0, AAD, Arrays.copyOf(token, 57)));
    assertThrows(
        OpenFailedException.class,
        () -> sealer.open(0, AAD, Arrays.copyOf(token, token.length - 1)));
    assertThrows(
        OpenFailedException.class,
        () -> sealer.open(0, AAD, Arrays.copyOf(token, token.length + 1)));
    assertThrows(
        OpenFailedException.class,
        () -> sealer.open(0, AAD, Arrays.copyOf(token, token.length + 16)));
    // A 74-byte value with a correct HMAC over its first 42 bytes: still wrong by length
    // ((74-57)%16 != 0).
    byte[] odd = remac(new byte[74]);
    odd[0] = FernetSealer.VERSION;
    assertThrows(OpenFailedException.class, () -> sealer.open(0, Bytes.EMPTY, remac(odd)));
    // A 72-byte hand-made token, HMAC valid, header + 15 bytes: too short.
    byte[] shortTok =
        remac(Bytes.concat(new byte[] {FernetSealer.VERSION}, new byte[8 + 16 + 15], new byte[32]));
    assertEquals(72, shortTok.length);
    assertThrows(OpenFailedException.class, () -> sealer.openToken(shortTok, 0, shortTok.length));
  }

  @Test
  void rejectsWrongVersion() throws Exception {
    byte[] token = sealer.seal(0, AAD, PLAIN);
    for (int v : new int[] {0x00, 0x81, 0x7f, 0xff}) {
      byte[] t = token.clone();
      t[0] = (byte) v;
      byte[] remaced = remac(t); // HMAC valid, so only the version byte is wrong
      assertThrows(OpenFailedException.class, () -> sealer.open(0, AAD, remaced), "version " + v);
      assertThrows(
          OpenFailedException.class,
          () -> sealer.open(0, AAD, t),
          "version " + v + " (stale HMAC)");
    }
  }

  @Test
  void rejectsFlippedBytes() {
    byte[] token = sealer.seal(0, AAD, PLAIN);
    for (int i = 0; i < token.length; i++) {
      byte[] t = token.clone();
      t[i] ^= 0x01;
      int at = i;
      // Covers timestamp, iv, ciphertext (HMAC catches it before decryption) and HMAC bytes.
      assertThrows(OpenFailedException.class, () -> sealer.open(0, AAD, t), "flipped byte " + at);
    }
    byte[] wrongKey = KEY.clone();
    wrongKey[0] ^= 1;
    assertThrows(
        OpenFailedException.class,
        () -> new FernetSealer(wrongKey, Randomness.secure()).open(0, AAD, token));
  }

  @Test
  void rejectsWrongAad() throws Exception {
    byte[] token = sealer.seal(0, AAD, PLAIN);
    byte[] other = AAD.clone();
    other[other.length - 1] ^= 1;
    assertThrows(OpenFailedException.class, () -> sealer.open(0, other, token));
    assertThrows(
        OpenFailedException.class, () -> sealer.open(0, Arrays.copyOf(AAD, AAD.length + 1), token));
    // Longer than the whole plaintext.
    assertThrows(OpenFailedException.class, () -> sealer.open(0, new byte[64], token));
    // A shorter aad that is a prefix opens, and strips exactly that many bytes.
    byte[] shorter = Arrays.copyOf(AAD, 5);
    assertArrayEquals(
        Bytes.concat(Arrays.copyOfRange(AAD, 5, AAD.length), PLAIN),
        sealer.open(0, shorter, token));
  }

  @Test
  void rejectsBadPaddingWithValidHmac() throws Exception {
    // Control: a hand-built token with correct PKCS#7 padding opens, so the construction is right.
    byte[] good = Bytes.concat("0123456789".getBytes(UTF_8), new byte[] {6, 6, 6, 6, 6, 6});
    assertArrayEquals(
        "0123456789".getBytes(UTF_8),
        sealer.open(0, Bytes.EMPTY, handToken(FernetSealer.VERSION, 1, IV, good)));

    byte[][] badBlocks = {
      Bytes.concat(
          "0123456789".getBytes(UTF_8), new byte[] {6, 6, 6, 6, 6, 5}), // inconsistent bytes
      Bytes.concat(new byte[15], new byte[] {0}), // pad length 0
      Bytes.concat(new byte[15], new byte[] {17}), // pad length > block
      Bytes.concat(new byte[14], new byte[] {3, 2}), // wrong pad value
    };
    for (int i = 0; i < badBlocks.length; i++) {
      byte[] t = handToken(FernetSealer.VERSION, 1, IV, badBlocks[i]);
      int at = i;
      assertThrows(
          OpenFailedException.class, () -> sealer.open(0, Bytes.EMPTY, t), "bad padding " + at);
      assertThrows(
          OpenFailedException.class, () -> sealer.openToken(t, 0, t.length), "bad padding " + at);
    }
  }

  @Test
  void timestampIsNeverChecked() throws Exception {
    // Spec 3.2: a receiver MUST NOT reject a token because of its timestamp.
    for (long ts : new long[] {0L, 1L, 499162800L, 1L << 40, Long.MAX_VALUE, -1L}) {
      byte[] token = sealer.seal(IV, ts, AAD, PLAIN);
      assertArrayEquals(PLAIN, sealer.open(0, AAD, token), "timestamp " + ts);
      assertEquals(
          ts, Fernet.timestamp(Base64.getUrlEncoder().encodeToString(token)), "timestamp " + ts);
    }
  }

  @Test
  void deterministicSealMatchesHandBuilt() throws Exception {
    byte[] body = Bytes.concat(AAD, PLAIN); // 25 bytes -> pad 7
    byte[] padded = Bytes.concat(body, new byte[] {7, 7, 7, 7, 7, 7, 7});
    assertArrayEquals(
        handToken(FernetSealer.VERSION, 1234567890L, IV, padded),
        sealer.seal(IV, 1234567890L, AAD, PLAIN));
  }

  @Test
  void base64FormDecryptsWithFernet() throws Exception {
    byte[] token = sealer.seal(0, AAD, PLAIN);
    String b64 = Base64.getUrlEncoder().encodeToString(token);
    Fernet f = Fernet.fromBase64Key(Base64.getUrlEncoder().encodeToString(KEY));
    assertArrayEquals(Bytes.concat(AAD, PLAIN), f.decrypt(b64));
    // And the other way: Fernet's token opens as binary.
    String fromFernet = f.encrypt(Bytes.concat(AAD, PLAIN));
    assertArrayEquals(PLAIN, sealer.open(0, AAD, Base64.getUrlDecoder().decode(fromFernet)));
  }

  @Test
  void rejectsWrongKeyLength() {
    assertThrows(
        IllegalArgumentException.class, () -> new FernetSealer(new byte[16], Randomness.secure()));
    assertThrows(
        IllegalArgumentException.class, () -> new FernetSealer(new byte[33], Randomness.secure()));
  }
}
