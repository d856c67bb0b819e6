package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds a python3 with the {@code cryptography} package (the independent SLMP/1 client needs it).
 */
final class PythonRuntime {
  private PythonRuntime() {}

  static String find() throws Exception {
    List<String> tried = new ArrayList<>();
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import cryptography")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
        tried.add(candidate + " (no cryptography package)");
      } catch (java.io.IOException e) {
        tried.add(candidate + " (not found)");
      }
    }
    return fail(
        "this test needs python3 with the 'cryptography' package "
            + "(apt-get install python3 python3-cryptography, as .ci/run does); tried "
            + tried);
  }
}
