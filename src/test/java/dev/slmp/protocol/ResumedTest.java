package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.everyOtherLengthRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Resumed}: {@code nonce_s [16] || confirm [32]} (spec 8). */
class ResumedTest {
  private static final Resumed SAMPLE = new Resumed(filled(16, 0x11), filled(32, 0x22));

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  @Test
  void roundTrips() throws SlmpException {
    byte[] body = SAMPLE.encode();
    assertEquals(48, Resumed.LENGTH);
    assertEquals("11".repeat(16) + "22".repeat(32), Bytes.hex(body));
    assertEquals(SAMPLE, Resumed.decode(body));
    assertArrayEquals(Frame.encode(FrameType.RESUMED, body), SAMPLE.frame());
  }

  @Test
  void everyOtherLengthIsProtocolError() {
    // includes the 47-byte RESUMED of the negative vectors
    everyOtherLengthRefused(Resumed::decode, SAMPLE.encode(), n -> CloseCode.PROTOCOL_ERROR);
  }

  @Test
  void constructorRefusesFieldsOfTheWrongLength() {
    assertThrows(IllegalArgumentException.class, () -> new Resumed(new byte[15], new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> new Resumed(new byte[16], new byte[33]));
  }
}
