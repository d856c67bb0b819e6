package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A repetitive warning (one per legacy connection) reaches the log at most once a minute, with a
 * count.
 */
class EveryMinuteTest {
  @Test
  void onceAMinuteWithWhatWasHeldBack() {
    AtomicLong now = new AtomicLong(5_000_000);
    EveryMinute gate = new EveryMinute(now::get);
    assertEquals(0, gate.occurrence(), "the first one is logged");
    for (int i = 0; i < 500; i++) {
      assertEquals(-1, gate.occurrence(), "a flood stays silent");
    }
    now.addAndGet(59_999);
    assertEquals(-1, gate.occurrence());
    now.addAndGet(1);
    assertEquals(501, gate.occurrence(), "the next minute's line counts what was held back");
    assertEquals(-1, gate.occurrence());
  }
}
