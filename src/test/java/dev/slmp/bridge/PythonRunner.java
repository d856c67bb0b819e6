package dev.slmp.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs src/examples/python/bridge_consumer.py with python3, reading its stdout line by line. */
final class PythonRunner implements AutoCloseable {
  static final String SCRIPT = "src/examples/python/bridge_consumer.py";
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder stderr = new StringBuilder();

  private PythonRunner(Process process) {
    this.process = process;
    pump(process.getInputStream(), lines::add);
    pump(
        process.getErrorStream(),
        l -> {
          synchronized (stderr) {
            stderr.append(l).append('\n');
          }
        });
  }

  static boolean available() {
    try {
      return new ProcessBuilder("python3", "--version")
          .redirectErrorStream(true)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static PythonRunner start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("python3", "-u", SCRIPT));
    cmd.addAll(List.of(args));
    return new PythonRunner(new ProcessBuilder(cmd).start());
  }

  private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  sink.accept(l);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "python-output");
    t.setDaemon(true);
    t.start();
  }

  /** Its next stdout line; fails with its stderr when none comes. */
  String line() throws InterruptedException {
    String l = lines.poll(20, TimeUnit.SECONDS);
    if (l == null) {
      throw new AssertionError("no output from " + SCRIPT + "; stderr: " + stderr());
    }
    return l;
  }

  int exitCode() throws InterruptedException {
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError(SCRIPT + " did not exit; stderr: " + stderr());
    }
    return process.exitValue();
  }

  private String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
