package dev.slmp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Close}: {@code code u8 || reason}, advisory on receipt (spec 6). */
class CloseTest {

  @ParameterizedTest
  @EnumSource(CloseCode.class)
  void roundTripsEveryCode(CloseCode code) {
    Close c = Close.of(code, "retry in 5 s");
    assertEquals(c, Close.decode(c.encode()));
    assertEquals(code, Close.decode(c.encode()).closeCode());
    assertArrayEquals(Frames.close(code, "retry in 5 s"), c.frame());
  }

  @Test
  void encodesTheSpecLayout() {
    assertEquals("1f00000400627965", Bytes.hex(Close.of(CloseCode.NORMAL, "bye").frame()));
    assertEquals("0c", Bytes.hex(Close.of(CloseCode.DECRYPT_FAILED, null).encode()));
  }

  @Test
  void decodeNeverFails() {
    Close none = Close.decode(new byte[0]);
    assertEquals(Close.NO_CODE, none.code());
    assertNull(none.closeCode());
    assertEquals("", none.reason());
    assertEquals(0, none.encode().length);
    Close unknown = Close.decode(new byte[] {0x55, 'x'});
    assertEquals(0x55, unknown.code());
    assertNull(unknown.closeCode());
    assertEquals("x", unknown.reason());
    assertEquals(
        "",
        Close.decode(Bytes.unhex("01c328")).reason(),
        "a reason that is not UTF-8 reads as empty");
    assertEquals("", Close.decode(new byte[] {1}).reason());
    assertEquals(
        300,
        Close.decode(Bytes.concat(new byte[] {1}, "r".repeat(300).getBytes(StandardCharsets.UTF_8)))
            .reason()
            .length(),
        "an over-long reason is read: CLOSE is advisory");
  }

  @Test
  void aLongReasonIsCutOnACharacterBoundary() {
    byte[] body = Close.of(CloseCode.BUSY, "é".repeat(200)).encode();
    assertEquals(1 + 254, body.length);
    assertEquals("é".repeat(127), Close.decode(body).reason());
    body = Close.of(CloseCode.BUSY, "x" + "é".repeat(200)).encode();
    assertEquals(1 + 253, body.length);
  }

  @Test
  void constructorRefusesWhatTheWireCannotCarry() {
    assertThrows(IllegalArgumentException.class, () -> new Close(256, ""));
    assertThrows(IllegalArgumentException.class, () -> new Close(-2, ""));
    assertThrows(
        IllegalArgumentException.class, () -> new Close(Close.NO_CODE, "a reason needs a code"));
  }
}
