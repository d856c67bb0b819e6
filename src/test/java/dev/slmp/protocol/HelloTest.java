package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.everyOtherLengthRefused;
import static dev.slmp.protocol.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Hello}: spec 5's layout and its order of checks (the negative vectors pin which code
 * wins).
 */
class HelloTest {
  private static final Set<Suite> ALL = EnumSet.allOf(Suite.class);

  static Hello sample(Suite suite) {
    byte[] ec = new byte[suite.group().publicKeyLength()];
    for (int i = 0; i < ec.length; i++) {
      ec[i] = (byte) (i + 7);
    }
    return new Hello(suite, Bytes.unhex("7c13e240"), ec);
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void roundTripsBodyAndFrame(Suite suite) throws SlmpException {
    Hello h = sample(suite);
    byte[] body = h.encode();
    assertEquals(Hello.FIXED_LENGTH + suite.group().publicKeyLength(), body.length);
    assertEquals(
        "01" + String.format("%02x", suite.id()) + "7c13e240", Bytes.hex(body).substring(0, 12));
    assertEquals(h, Hello.decode(body, ALL));
    assertEquals(h, Hello.decodeFrame(h.frame(), EnumSet.of(suite)));
    assertArrayEquals(Frame.encode(FrameType.HELLO, body), h.frame());
    assertEquals(suite, Hello.suiteOf(h.frame()));
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void everyWrongLengthIsProtocolErrorButTheFirstChecksComeFirst(Suite suite) {
    byte[] valid = sample(suite).encode();
    // empty → PROTOCOL_ERROR; 1 byte (version 1) → "shorter than 2" PROTOCOL_ERROR; then only the
    // exact length passes
    everyOtherLengthRefused(Hello::decode, valid, n -> CloseCode.PROTOCOL_ERROR);
  }

  @Test
  void versionIsCheckedBeforeLengthAndSuite() {
    refused(CloseCode.PROTOCOL_ERROR, Hello::decode, new byte[0]);
    refused(CloseCode.UNSUPPORTED_VERSION, Hello::decode, new byte[] {2});
    refused(CloseCode.UNSUPPORTED_VERSION, Hello::decode, new byte[] {0, 4});
    byte[] v2 = sample(Suite.P256_AES128GCM).encode();
    v2[0] = 2;
    refused(CloseCode.UNSUPPORTED_VERSION, Hello::decode, v2);
    refused(CloseCode.PROTOCOL_ERROR, Hello::decode, new byte[] {1});
  }

  @Test
  void suiteIsCheckedBeforeLength() {
    refused(CloseCode.UNSUPPORTED_SUITE, Hello::decode, new byte[] {1, 4});
    refused(CloseCode.UNSUPPORTED_SUITE, Hello::decode, new byte[] {1, 0});
    refused(CloseCode.PROTOCOL_ERROR, Hello::decode, new byte[] {1, 1});
    byte[] p256 = sample(Suite.P256_FERNET).encode();
    refused(
        CloseCode.UNSUPPORTED_SUITE,
        b -> Hello.decode(b, EnumSet.of(Suite.X25519_CHACHA20POLY1305)),
        p256);
    refused(
        CloseCode.UNSUPPORTED_SUITE,
        b -> Hello.decode(b, EnumSet.of(Suite.X25519_CHACHA20POLY1305)),
        new byte[] {1, 1});
  }

  @Test
  void aP256KeyInAnX25519HelloIsALengthError() {
    byte[] body = sample(Suite.P256_AES128GCM).encode();
    body[1] = (byte) Suite.X25519_CHACHA20POLY1305.id();
    refused(CloseCode.PROTOCOL_ERROR, Hello::decode, body);
  }

  @Test
  void decodeCopiesOutOfTheBody() throws SlmpException {
    byte[] body = sample(Suite.X25519_CHACHA20POLY1305).encode();
    Hello h = Hello.decode(body);
    body[2] ^= 1;
    body[body.length - 1] ^= 1;
    assertEquals(sample(Suite.X25519_CHACHA20POLY1305), h);
  }

  @Test
  void aFrameWhoseHeaderDisagreesWithItsBytesIsNotDecoded() {
    byte[] frame = sample(Suite.X25519_CHACHA20POLY1305).frame();
    byte[] cut =
        java.util.Arrays.copyOf(
            frame, frame.length - 1); // the header says one byte more than there is
    assertThrows(IllegalArgumentException.class, () -> Hello.decodeFrame(cut, ALL));
    byte[] other = frame.clone();
    other[0] = FrameType.RESUME;
    assertThrows(IllegalArgumentException.class, () -> Hello.decodeFrame(other, ALL));
    assertThrows(IllegalArgumentException.class, () -> Hello.decodeFrame(new byte[3], ALL));
  }

  @Test
  void suiteOfOnlyPeeks() {
    assertNull(Hello.suiteOf(Bytes.unhex("01000001")));
    assertNull(Hello.suiteOf(Bytes.unhex("010000020107")));
    assertEquals(Suite.P256_FERNET, Hello.suiteOf(Bytes.unhex("010000020901")));
  }

  @Test
  void constructorRefusesFieldsOfTheWrongLength() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Hello(Suite.P256_FERNET, new byte[3], new byte[65]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Hello(Suite.P256_FERNET, new byte[4], new byte[32]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Hello(Suite.X25519_CHACHA20POLY1305, new byte[4], new byte[65]));
  }
}
