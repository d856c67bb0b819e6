package dev.slmp.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's comparison must bite: for real cases of each kind (a CLOSE, a delivered message, an
 * ACK it wrote, an acknowledged DATA of its own), a copy of what the side under test did, with one
 * thing wrong, is reported as a mismatch, while the untouched copy is not. A model that accepted
 * anything would pass the short run; it cannot pass this.
 */
class FuzzSelfCheckTest {
  private final FuzzRunner runner = new FuzzRunner();
  private final FuzzWorld world = runner.world();

  @Test
  void everyKindOfWrongAnswerIsCaught() {
    check(e -> e.closedBySelf(), a -> a.written.reset(), "CLOSE missing");
    check(e -> e.closedBySelf(), a -> a.writeAfterClose = true, "a write after CLOSE");
    check(e -> e.closedBySelf(), a -> a.closes.add("again"), "closed twice");
    check(e -> e.closedBySelf(), a -> lastByte(a, 4, 1), "another CLOSE code");
    check(e -> !e.delivered.isEmpty(), a -> a.delivered.remove(0), "a message not delivered");
    check(
        e ->
            !e.out.isEmpty()
                && e.out.get(e.out.size() - 1) instanceof FuzzExpect.Sealed s
                && s.type() == 0x11,
        a -> lastByte(a, -1, 0),
        "a sealed answer altered");
    check(
        e -> !e.acknowledged.isEmpty(),
        a -> a.acknowledged.clear(),
        "an acknowledgement not reported");
    check(
        e -> e.session != null && e.session.get(0) > 0,
        a -> a.session = java.util.List.of(0L, a.session.get(1)),
        "a resume counter that did not move");
    check(
        e -> e.ticket.isPresent() && !e.ticket.get().equals("none"),
        a -> a.tickets.set(0, "none"),
        "a ticket lost");
    check(
        e -> e.established && !e.closedBySelf() && !e.peerClosed,
        a -> a.established = false,
        "not established");
    check(e -> e.unacknowledged > 0, a -> a.unacknowledged = 0, "an unacknowledged DATA forgotten");
    check(e -> true, a -> a.thrown = new IllegalStateException("planted"), "an exception");
    check(
        e -> !e.closedBySelf() && !e.peerClosed,
        a -> a.written.writeBytes(ServerModel.PONG_FRAME),
        "an extra frame");
  }

  /**
   * Finds a case whose expectation matches {@code which}; its true answer passes and the broken
   * copy fails.
   */
  private void check(
      Predicate<FuzzExpect> which, Consumer<FuzzTarget.Actual> breakIt, String what) {
    for (long i = 0; i < 5000; i++) {
      FuzzCase c = runner.build(7, i);
      FuzzExpect e = runner.expect(c);
      if (!which.test(e) || c.deferred && what.contains("sealed")) {
        continue;
      }
      assertNull(
          FuzzCompare.problem(c, world, e, FuzzTarget.run(c, world)), "case " + i + " as it is");
      FuzzTarget.Actual broken = FuzzTarget.run(c, world);
      breakIt.accept(broken);
      assertNotNull(
          FuzzCompare.problem(c, world, e, broken), what + " (case " + i + ") is not caught");
      return;
    }
    assertTrue(false, "no case for " + what);
  }

  /**
   * Adds {@code delta} to the byte at {@code pos} of everything written ({@code -1}: the last one).
   */
  private static void lastByte(FuzzTarget.Actual a, int pos, int delta) {
    byte[] w = a.written.toByteArray();
    int p = pos < 0 ? w.length - 1 : lastFrameStart(w) + pos;
    w[p] = (byte) (w[p] + (delta == 0 ? 1 : delta));
    a.written.reset();
    a.written.writeBytes(w);
  }

  private static int lastFrameStart(byte[] w) {
    int pos = 0;
    int last = 0;
    while (pos < w.length) {
      last = pos;
      pos += 4 + FuzzWire.u24(w, pos + 1);
    }
    return last;
  }
}
