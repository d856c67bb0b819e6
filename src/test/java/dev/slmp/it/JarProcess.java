package dev.slmp.it;

import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The integration tests' node launcher (and CLI runner): {@code java -jar target/slmp-fat.jar ...}
 * as a user would run it, in its own process; the in-process launcher for unit tests is {@link
 * TestNode}.
 */
final class JarProcess {
  final Process process;
  final Path out;

  private JarProcess(Process process, Path out) {
    this.process = process;
    this.out = out;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("slmp.jar", "target/slmp-fat.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "no fat jar at " + jar + ": run `mvn verify` (integration tests run after package)");
    }
    return jar;
  }

  static JarProcess start(Path workDir, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SLMP_"));
    pb.environment().putAll(env);
    // The admin server's default port is fixed (8099): nodes started by tests take any free one.
    pb.environment().putIfAbsent("SLMP_ADMIN_PORT", "0");
    Path out = Files.createTempFile(workDir, "out", ".log");
    pb.redirectOutput(out.toFile());
    return new JarProcess(pb.start(), out);
  }

  /**
   * Starts a node ({@code args}, e.g. {@code -conf}) and returns once it listens on
   * 127.0.0.1:{@code port}.
   */
  static JarProcess startNode(Path workDir, Map<String, String> env, int port, String... args)
      throws IOException {
    JarProcess node = start(workDir, env, args);
    node.await("listening on 127.0.0.1:" + port);
    return node;
  }

  /** Runs to completion (at most 60 s); returns exit code and output. */
  static Result run(Path workDir, Map<String, String> env, String... args) throws Exception {
    JarProcess p = start(workDir, env, args);
    if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
      p.process.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", args));
    }
    return new Result(p.process.exitValue(), p.output());
  }

  record Result(int code, String output) {}

  String output() {
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the output contains {@code text}; fails at once if the process ends first. */
  void await(String text) {
    await(text, Duration.ofSeconds(30));
  }

  /** As {@link #await(String)}, waiting at most {@code timeout}. */
  void await(String text, Duration timeout) {
    Eventually.until(
        () -> {
          String out = output();
          if (out.contains(text)) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                "process ended ("
                    + process.exitValue()
                    + ") before printing '"
                    + text
                    + "':\n"
                    + output());
          }
          return false;
        },
        timeout,
        () -> "'" + text + "' in the output:\n" + output());
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
