package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The spec 3.2 nonce and the sealer's behaviour around repeated key/nonce initialisations. */
class AeadSealerTest {
  private static final byte[] IV = Bytes.unhex("000102030405060708090a0b");
  private static final byte[] AAD = {0x10, 0x00, 0x00, 0x00, 0x00, 0x07};
  private static final byte[] MSG = Bytes.unhex("0574657374736869");

  private static AeadSealer sealer(AeadSealer.Algorithm alg) {
    return new AeadSealer(alg, new byte[alg == AeadSealer.Algorithm.AES_128_GCM ? 16 : 32], IV);
  }

  @Test
  void nonceXorsSeqIntoLastFourBytes() {
    assertArrayEquals(IV, AeadSealer.nonce(IV, 0));
    assertArrayEquals(Bytes.unhex("000102030405060709080b0a"), AeadSealer.nonce(IV, 0x01010101L));
    assertArrayEquals(Bytes.unhex("0001020304050607f7f6f5f4"), AeadSealer.nonce(IV, 0xFFFFFFFFL));
    assertArrayEquals(Bytes.unhex("000102030405060708090a0b"), IV, "iv must not be modified");
  }

  @Test
  void openAfterSealOfTheSameSeqOnOneInstance() throws Exception {
    // Regression: the JDK's ChaCha20-Poly1305 refuses to re-init with the previous key and nonce
    // even to
    // decrypt, which made open(seq) fail right after seal(seq) (or a second open(seq)) on one
    // instance.
    for (AeadSealer.Algorithm alg : AeadSealer.Algorithm.values()) {
      AeadSealer s = sealer(alg);
      for (long seq : new long[] {0, 1, 7, 0xFFFFFFFFL}) { // increasing: each seq sealed once
        byte[] sealed = s.seal(seq, AAD, MSG);
        assertEquals(MSG.length + AeadSealer.TAG_LENGTH, sealed.length, alg + " seq " + seq);
        assertArrayEquals(MSG, s.open(seq, AAD, sealed), alg + " seq " + seq);
        assertArrayEquals(MSG, s.open(seq, AAD, sealed), alg + " seq " + seq + " (again)");
        long again = seq;
        IllegalStateException repeat =
            assertThrows(
                IllegalStateException.class, () -> s.seal(again, AAD, MSG), alg + " re-seal");
        assertTrue(repeat.getMessage().contains("would repeat a nonce"), repeat.getMessage());
        assertArrayEquals(
            sealed, sealer(alg).seal(seq, AAD, MSG), alg + " seq " + seq + " (other instance)");
        assertArrayEquals(
            MSG, sealer(alg).open(seq, AAD, sealed), alg + " seq " + seq + " (other instance)");
      }
    }
  }

  @Test
  void aSealerNeverSealsASeqTwiceNorGoesBack() {
    for (AeadSealer.Algorithm alg : AeadSealer.Algorithm.values()) {
      AeadSealer s = sealer(alg);
      s.seal(3, AAD, MSG);
      assertThrows(IllegalStateException.class, () -> s.seal(3, AAD, MSG), alg + " same seq");
      assertThrows(IllegalStateException.class, () -> s.seal(2, AAD, MSG), alg + " earlier seq");
      s.seal(4, AAD, MSG);
    }
  }

  @Test
  void rejectsWrongSeqAadKeyOrShortInput() throws Exception {
    for (AeadSealer.Algorithm alg : AeadSealer.Algorithm.values()) {
      AeadSealer s = sealer(alg);
      byte[] sealed = s.seal(5, AAD, MSG);
      assertFalse(Arrays.equals(sealed, s.seal(6, AAD, MSG)), alg + ": seq must change the nonce");
      assertThrows(OpenFailedException.class, () -> s.open(6, AAD, sealed), alg + " wrong seq");
      byte[] aad2 = AAD.clone();
      aad2[5] ^= 1;
      assertThrows(OpenFailedException.class, () -> s.open(5, aad2, sealed), alg + " wrong aad");
      byte[] key2 = new byte[alg == AeadSealer.Algorithm.AES_128_GCM ? 16 : 32];
      key2[0] = 1;
      assertThrows(
          OpenFailedException.class,
          () -> new AeadSealer(alg, key2, IV).open(5, AAD, sealed),
          alg + " wrong key");
      assertThrows(
          OpenFailedException.class, () -> s.open(5, AAD, new byte[15]), alg + " shorter than tag");
      assertThrows(
          OpenFailedException.class,
          () -> s.open(5, AAD, Arrays.copyOf(sealed, sealed.length - 1)),
          alg + " truncated");
      assertArrayEquals(MSG, s.open(5, AAD, sealed), alg + " still usable after failures");
      assertThrows(
          IllegalArgumentException.class,
          () -> new AeadSealer(alg, new byte[24], IV),
          alg + " key length");
      assertThrows(
          IllegalArgumentException.class,
          () -> new AeadSealer(alg, key2, new byte[16]),
          alg + " iv length");
    }
  }
}
