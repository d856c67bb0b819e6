package dev.slmp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own JVM ({@code java -jar slmp-fat.jar bench server|baseline-server
 * ...}), so its CPU time can be read from {@code /proc/<pid>/stat} and it shares nothing with the
 * load generator. Talks to it over its stdin/stdout control channel ({@link ChildControl}); its
 * stderr goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
  final String name;
  final int port;
  final long pid;
  private final Process process;
  private final PrintWriter control;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final Path log;

  private ServerProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.pid = process.pid();
    this.port = port;
    this.log = log;
    this.control = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /**
   * Starts {@code java [jvmArgs] -jar <this jar> bench <args> --port P} on a free loopback port and
   * waits until it says it is ready (a port taken meanwhile by someone else: tried again on
   * another).
   */
  static ServerProcess start(String name, List<String> jvmArgs, List<String> args, Path logDir)
      throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      List<String> cmd = new ArrayList<>(javaCommand(jvmArgs));
      cmd.add("bench");
      cmd.addAll(args);
      cmd.add("--port");
      cmd.add(Integer.toString(port));
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment()
          .keySet()
          .removeIf(k -> k.startsWith("SLMP_")); // the bench config alone decides
      ServerProcess p = new ServerProcess(name, pb.start(), port, log);
      p.pumpStdout();
      try {
        p.await("ready", 90_000);
        return p;
      } catch (IOException e) {
        last = e;
        p.close();
      }
    }
    throw last;
  }

  /**
   * The command that runs this program again: {@code java -jar the.jar}, or {@code java -cp ...
   * SlmpMain} in tests.
   */
  static List<String> javaCommand(List<String> jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    String cp = System.getProperty("java.class.path");
    if (isThisFatJar(cp)) {
      cmd.add("-jar");
      cmd.add(cp);
    } else {
      cmd.add("-cp");
      cmd.add(cp);
      cmd.add("dev.slmp.cli.SlmpMain");
    }
    return cmd;
  }

  /**
   * True when {@code cp} is one jar whose Main-Class is the SLMP entry point (the fat jar), not
   * e.g. a test booter.
   */
  static boolean isThisFatJar(String cp) {
    if (!cp.endsWith(".jar") || cp.contains(java.io.File.pathSeparator)) {
      return false;
    }
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(cp)) {
      java.util.jar.Manifest m = jar.getManifest();
      return m != null
          && "dev.slmp.cli.SlmpMain".equals(m.getMainAttributes().getValue("Main-Class"));
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void pumpStdout() {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  Writer w =
                      Files.newBufferedWriter(
                          log.resolveSibling(name + ".stdout.log"),
                          StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith(ChildControl.PREFIX)) {
                    replies.add(line.substring(ChildControl.PREFIX.length()));
                  } else {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "bench-" + name + "-stdout");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The next reply starting with {@code word}; fails if the process dies or is silent for {@code
   * ms}.
   */
  private String await(String word, long ms) throws IOException {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      String r;
      try {
        r = replies.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      if (r != null && r.startsWith(word)) {
        return r;
      }
      if (r == null && !process.isAlive()) {
        throw new IOException(name + " server ended (exit " + process.exitValue() + "): " + tail());
      }
    }
    throw new IOException(
        name + " server did not answer '" + word + "' within " + ms + " ms: " + tail());
  }

  private String request(String command, long ms) throws IOException {
    control.println(command);
    return await(command, ms);
  }

  /** Server process CPU time so far (user + system, all threads), ns. */
  long cpuNanos() {
    return ProcStat.cpuNanos(pid);
  }

  /** Heap in use after full GCs in the server, bytes. */
  long heapAfterGc() throws IOException {
    String r = request("heap", 60_000);
    return Long.parseLong(r.substring("heap ".length()).trim());
  }

  /** Messages the server's in-memory consumer has accepted so far. */
  long accepted() throws IOException {
    String r = request("accepted", 10_000);
    return Long.parseLong(r.substring("accepted ".length()).trim());
  }

  /** The server's own counts ({@code stats} command), e.g. {@code connections=N resumed=M}. */
  String stats() throws IOException {
    return request("stats", 10_000).substring("stats".length()).trim();
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))
          + " (log: "
          + log
          + ")";
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      control.println("quit");
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroy();
          if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
