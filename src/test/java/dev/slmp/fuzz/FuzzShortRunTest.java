package dev.slmp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short run of the fuzzer in the normal suite: 20,000 cases of a fixed seed against the server
 * and device state machines, each compared with the spec model (see the README, "Fuzzing the
 * protocol core"; the long run is {@code scripts/fuzz.sh}). It also checks the run reached every
 * CLOSE code the models can produce, so a generator that stopped reaching a check would fail here
 * rather than pass quietly.
 */
class FuzzShortRunTest {
  static final long SEED = 20_261_207L;
  static final int CASES = 20_000;

  @Test
  void twentyThousandCasesMatchTheModel() {
    List<String> mismatches = new ArrayList<>();
    FuzzRunner.Result r =
        new FuzzRunner()
            .run(
                SEED,
                0,
                CASES,
                m -> {
                  if (mismatches.size() < 10) {
                    mismatches.add(m);
                  }
                });
    System.out.println("[fuzz] " + r);
    assertEquals(0, r.mismatches(), String.join("\n", mismatches));
    for (String side : new String[] {"server", "device"}) {
      for (String o :
          new String[] {
            "open",
            "peer CLOSE",
            "PROTOCOL_ERROR",
            "AUTH_FAILED",
            "REPLAY",
            "DECRYPT_FAILED",
            "FRAME_TOO_LARGE"
          }) {
        assertTrue(
            r.outcomes().getOrDefault(side + " " + o, 0L) > 0, side + " never ended with " + o);
      }
    }
    for (String o :
        new String[] {
          "UNSUPPORTED_VERSION",
          "UNSUPPORTED_SUITE",
          "UNKNOWN_SERVER_KEY",
          "SESSION_UNKNOWN",
          "BUSY",
          "TIMEOUT"
        }) {
      assertTrue(r.outcomes().getOrDefault("server " + o, 0L) > 0, "server never ended with " + o);
    }
  }
}
