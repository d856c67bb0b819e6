package dev.slmp.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar target/slmp-fat.jar ...} as a user would, in its own process. */
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
      throw new AssertionError("no fat jar at " + jar + ": run `mvn verify` (integration tests run after package)");
    }
    return jar;
  }

  static JarProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SLMP_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile(workDir, "out", ".log");
    pb.redirectOutput(out.toFile());
    return new JarProcess(pb.start(), out);
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

  String output() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** Waits until the output contains {@code text} (or the process dies, or 30 s pass). */
  void await(String text) throws Exception {
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      if (output().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("process ended (" + process.exitValue() + ") before printing '" + text + "':\n" + output());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' within 30 s:\n" + output());
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
