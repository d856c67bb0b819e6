package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.everyOtherLengthRefused;
import static dev.slmp.protocol.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Resume}: spec 8's 70-byte layout, the binder's input, and HELLO's order of checks. */
class ResumeTest {
  private static final byte[] SESSION = Bytes.unhex("2bd8daf35c0a8e085890d7def04d26a8");
  private static final byte[] NONCE = Bytes.unhex("dc593c4b00112233445566778899aabb");
  private static final byte[] RS = new byte[32];

  static Resume sample(Suite suite) {
    return Resume.bind(suite, SESSION, 1, NONCE, RS);
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void roundTripsAndBindsTheFirst38Bytes(Suite suite) throws SlmpException {
    Resume r = sample(suite);
    byte[] body = r.encode();
    assertEquals(70, Resume.LENGTH);
    assertEquals(Resume.LENGTH, body.length);
    assertEquals(
        "01"
            + String.format("%02x", suite.id())
            + Bytes.hex(SESSION)
            + "00000001"
            + Bytes.hex(NONCE),
        Bytes.hex(r.binderInput()));
    assertArrayEquals(Arrays.copyOf(body, Resume.BINDER_INPUT_LENGTH), r.binderInput());
    assertArrayEquals(KeySchedule.binder(RS, r.binderInput()), r.binder());
    assertArrayEquals(
        r.binder(), Arrays.copyOfRange(body, Resume.BINDER_INPUT_LENGTH, Resume.LENGTH));
    assertEquals(r, Resume.decode(body));
    assertEquals(r, Resume.decodeFrame(r.frame(), EnumSet.of(suite)));
  }

  @Test
  void theLargestCounterRoundTrips() throws SlmpException {
    Resume r = Resume.bind(Suite.P256_FERNET, SESSION, 0xFFFFFFFFL, NONCE, RS);
    assertEquals(0xFFFFFFFFL, Resume.decode(r.encode()).counter());
  }

  @Test
  void everyOtherLengthIsProtocolError() {
    // includes the 54-byte layout without nonce_c of the negative vectors
    everyOtherLengthRefused(
        Resume::decode, sample(Suite.P256_AES128GCM).encode(), n -> CloseCode.PROTOCOL_ERROR);
  }

  @Test
  void checksComeInHellosOrder() {
    refused(CloseCode.PROTOCOL_ERROR, Resume::decode, new byte[0]);
    refused(CloseCode.UNSUPPORTED_VERSION, Resume::decode, new byte[] {2});
    refused(CloseCode.PROTOCOL_ERROR, Resume::decode, new byte[] {1});
    refused(CloseCode.UNSUPPORTED_SUITE, Resume::decode, new byte[] {1, 4});
    refused(CloseCode.PROTOCOL_ERROR, Resume::decode, new byte[] {1, 3});
    byte[] v2 = sample(Suite.P256_FERNET).encode();
    v2[0] = 2;
    refused(CloseCode.UNSUPPORTED_VERSION, Resume::decode, v2);
    byte[] s4 = sample(Suite.P256_FERNET).encode();
    s4[1] = 4;
    refused(CloseCode.UNSUPPORTED_SUITE, Resume::decode, s4);
    refused(
        CloseCode.UNSUPPORTED_SUITE,
        b -> Resume.decode(b, EnumSet.of(Suite.P256_AES128GCM)),
        sample(Suite.P256_FERNET).encode());
    refused(
        CloseCode.UNSUPPORTED_SUITE,
        b -> Resume.decode(b, EnumSet.of(Suite.P256_AES128GCM)),
        Arrays.copyOf(sample(Suite.P256_FERNET).encode(), 30));
  }

  @Test
  void decodeCopiesOutOfTheBody() throws SlmpException {
    byte[] body = sample(Suite.P256_FERNET).encode();
    Resume r = Resume.decode(body);
    Arrays.fill(body, 2, body.length, (byte) 0);
    assertEquals(sample(Suite.P256_FERNET), r);
  }

  @Test
  void aFrameWhoseHeaderDisagreesWithItsBytesIsNotDecoded() {
    byte[] frame = sample(Suite.P256_FERNET).frame();
    byte[] longer = Arrays.copyOf(frame, frame.length + 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> Resume.decodeFrame(longer, EnumSet.allOf(Suite.class)));
  }

  @Test
  void toStringLeavesTheBinderOut() {
    Resume r = sample(Suite.P256_FERNET);
    assertFalse(r.toString().contains(Bytes.hex(r.binder()).substring(0, 8)), r.toString());
  }

  @Test
  void constructorRefusesFieldsOfTheWrongLength() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Resume.bind(Suite.P256_FERNET, new byte[15], 1, NONCE, RS));
    assertThrows(
        IllegalArgumentException.class,
        () -> Resume.bind(Suite.P256_FERNET, SESSION, 1, new byte[17], RS));
    assertThrows(
        IllegalArgumentException.class,
        () -> Resume.bind(Suite.P256_FERNET, SESSION, -1, NONCE, RS));
    assertThrows(
        IllegalArgumentException.class,
        () -> Resume.bind(Suite.P256_FERNET, SESSION, 1L << 32, NONCE, RS));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Resume(Suite.P256_FERNET, SESSION, 1, NONCE, new byte[31]));
  }
}
