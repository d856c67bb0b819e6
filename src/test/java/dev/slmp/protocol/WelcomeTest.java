package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.everyOtherLengthRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import org.junit.jupiter.api.Test;

/**
 * {@link Welcome}: the plaintext {@code lifetime u32 || keepalive u16 || max_body u24} (spec 5).
 */
class WelcomeTest {

  @Test
  void encodesTheSpecLayoutAndRoundTrips() throws SlmpException {
    Welcome w = new Welcome(86_400, 60, 65_536);
    assertEquals("00015180" + "003c" + "010000", Bytes.hex(w.encode()));
    assertEquals(w, Welcome.decode(w.encode()));
    Welcome max = new Welcome(0xFFFFFFFFL, 0xFFFF, 0xFFFFFF);
    assertEquals("ffffffffffffffffff", Bytes.hex(max.encode()));
    assertEquals(max, Welcome.decode(max.encode()));
    assertEquals(new Welcome(0, 0, 0), Welcome.decode(new byte[Welcome.LENGTH]));
  }

  @Test
  void everyOtherLengthIsProtocolError() {
    // e.g. the 6-byte plaintext without max_body of the negative vectors
    everyOtherLengthRefused(
        Welcome::decode, new Welcome(1, 2, 3).encode(), n -> CloseCode.PROTOCOL_ERROR);
  }

  @Test
  void constructorRefusesValuesTheFieldsCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> new Welcome(-1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Welcome(0x1_0000_0000L, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Welcome(0, 0x10000, 0));
    assertThrows(IllegalArgumentException.class, () -> new Welcome(0, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Welcome(0, 0, 0x1000000));
  }
}
