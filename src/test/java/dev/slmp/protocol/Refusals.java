package dev.slmp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

/**
 * Assertions shared by the message-type tests: the CLOSE code of a refused body, and bounds on
 * every length.
 */
final class Refusals {
  private Refusals() {}

  /** What a test decodes. */
  interface Decoder {
    Object decode(byte[] body) throws SlmpException;
  }

  /** {@code decode(body)} fails with exactly {@code code}. */
  static SlmpException refused(CloseCode code, Decoder d, byte[] body) {
    SlmpException e =
        assertThrows(SlmpException.class, () -> d.decode(body), "body " + body.length + " bytes");
    assertEquals(
        code, e.code(), "CLOSE code for a " + body.length + "-byte body: " + e.getMessage());
    return e;
  }

  /**
   * Every length of {@code valid} from 0 to two bytes past it, except {@code valid}'s own, is
   * refused with an SlmpException (never an index exception: decode reads nothing past the body),
   * whose code {@code codeAt} gives for each length.
   */
  static void everyOtherLengthRefused(
      Decoder d, byte[] valid, java.util.function.IntFunction<CloseCode> codeAt) {
    for (int n = 0; n <= valid.length + 2; n++) {
      if (n != valid.length) {
        refused(codeAt.apply(n), d, Arrays.copyOf(valid, n));
      }
    }
  }
}
