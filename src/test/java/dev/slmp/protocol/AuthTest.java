package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Auth}: {@code id_len || device_id || proof}, sealed with {@code K_auth} and aad {@code
 * 0x03} (spec 5). Every structural failure is the same AUTH_FAILED with the same message as a wrong
 * proof.
 */
class AuthTest {
  private static final byte[] PROOF = filled(KeySchedule.MAC_LENGTH, 0x5A);

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  private static Sealer sealer(Suite suite, int keyByte) {
    return new KeyMaterial(filled(suite.keyBytes(), keyByte), filled(suite.ivBytes(), 3))
        .sealer(suite, Randomness.secure());
  }

  private static void failed(byte[] plaintext) {
    SlmpException e = refused(CloseCode.AUTH_FAILED, Auth::decode, plaintext);
    assertEquals(Auth.FAILED, e.getMessage(), "every AUTH failure reads the same");
  }

  @Test
  void plaintextRoundTrips() throws SlmpException {
    Auth a = new Auth("sensor-0042".getBytes(StandardCharsets.UTF_8), PROOF);
    byte[] p = a.encode();
    assertEquals(1 + 11 + 32, p.length);
    assertEquals(11, p[0]);
    assertEquals("sensor-0042", new String(p, 1, 11, StandardCharsets.UTF_8));
    assertEquals(a, Auth.decode(p));
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void sealsAndOpensAsAFrame(Suite suite) throws Exception {
    Auth a = new Auth("d".getBytes(StandardCharsets.UTF_8), PROOF);
    byte[] frame = a.seal(sealer(suite, 1));
    assertEquals(FrameType.AUTH, Frame.typeOf(frame));
    assertEquals(a, Auth.open(sealer(suite, 1), frame));
    byte[] plain = sealer(suite, 1).open(0, new byte[] {3}, Frame.parse(frame).body());
    assertArrayEquals(a.encode(), plain, "seq 0, aad 0x03");
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void aBodyThatDoesNotOpenIsAuthFailed(Suite suite) {
    byte[] frame = new Auth(new byte[] {'d'}, PROOF).seal(sealer(suite, 1));
    SlmpException wrongKey =
        assertThrows(SlmpException.class, () -> Auth.open(sealer(suite, 2), frame));
    assertEquals(CloseCode.AUTH_FAILED, wrongKey.code());
    assertEquals(Auth.FAILED, wrongKey.getMessage());
    for (int len : new int[] {0, 1, 16, 31}) { // too short to hold a sealed value
      byte[] cut = Frame.encode(FrameType.AUTH, Arrays.copyOf(Frame.parse(frame).body(), len));
      SlmpException e = assertThrows(SlmpException.class, () -> Auth.open(sealer(suite, 1), cut));
      assertEquals(CloseCode.AUTH_FAILED, e.code());
    }
  }

  @Test
  void everyWrongPlaintextLengthIsAuthFailed() {
    byte[] valid = new Auth(new byte[] {'a', 'b', 'c'}, PROOF).encode();
    for (int n = 0; n <= valid.length + 2; n++) {
      if (n != valid.length) {
        failed(Arrays.copyOf(valid, n));
      }
    }
  }

  @Test
  void anIdLengthPointingPastTheEndIsAuthFailed() {
    byte[] p = new Auth(new byte[] {'a'}, PROOF).encode();
    p[0] = (byte) 200;
    failed(p);
    p[0] = (byte) 0xFF;
    failed(p);
    failed(new byte[] {(byte) 0xFF});
  }

  @Test
  void idContentIsTheAuthenticatorsToJudge() throws SlmpException {
    // id_len 0, a 65-byte id, an id that is not UTF-8: structurally sound, so they reach the
    // authenticator, which
    // refuses them in the same time as a wrong proof (spec 5).
    assertEquals(0, Auth.decode(new Auth(new byte[0], PROOF).encode()).deviceId().length);
    assertEquals(65, Auth.decode(new Auth(new byte[65], PROOF).encode()).deviceId().length);
    byte[] notUtf8 = Bytes.unhex("73656e736f722dff");
    assertArrayEquals(notUtf8, Auth.decode(new Auth(notUtf8, PROOF).encode()).deviceId());
    assertEquals(64, Auth.MAX_ID_LENGTH);
  }

  @Test
  void toStringShowsNeitherIdNorProof() {
    String s = new Auth("secret-device".getBytes(StandardCharsets.UTF_8), PROOF).toString();
    assertFalse(s.contains("secret") || s.contains("5a5a"), s);
  }

  @Test
  void constructorRefusesWhatTheWireCannotCarry() {
    assertThrows(IllegalArgumentException.class, () -> new Auth(new byte[256], PROOF));
    assertThrows(IllegalArgumentException.class, () -> new Auth(new byte[1], new byte[31]));
  }
}
