package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.everyOtherLengthRefused;
import static dev.slmp.protocol.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Ack}: the plaintext {@code acked_seq u32 || status u8} (spec 6). */
class AckTest {

  @ParameterizedTest
  @EnumSource(AckStatus.class)
  void roundTrips(AckStatus status) throws SlmpException {
    Ack a = new Ack(0xFFFFFFFFL, status);
    assertEquals("ffffffff0" + status.code(), Bytes.hex(a.encode()));
    assertArrayEquals(a.encode(), Ack.encode(0xFFFFFFFFL, status));
    assertEquals(a, Ack.decode(a.encode()));
  }

  @Test
  void everyOtherLengthIsProtocolError() {
    // includes the 6-byte acked_seq || status || 00 of the negative vectors
    everyOtherLengthRefused(
        Ack::decode, new Ack(1, AckStatus.ACCEPTED).encode(), n -> CloseCode.PROTOCOL_ERROR);
  }

  @Test
  void anUndefinedStatusIsProtocolError() {
    for (int s : new int[] {3, 7, 0x80, 0xFF}) {
      refused(
          CloseCode.PROTOCOL_ERROR,
          Ack::decode,
          Bytes.unhex("00000001" + String.format("%02x", s)));
    }
  }

  @Test
  void constructorRefusesASeqThatIsNotAU32() {
    assertThrows(IllegalArgumentException.class, () -> new Ack(-1, AckStatus.ACCEPTED));
    assertThrows(IllegalArgumentException.class, () -> new Ack(1L << 32, AckStatus.ACCEPTED));
  }
}
