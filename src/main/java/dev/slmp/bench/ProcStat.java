package dev.slmp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process from {@code /proc/<pid>/stat}: {@code utime + stime} (fields 14 and 15), in
 * clock ticks of {@code getconf CLK_TCK}. All threads of the process count: event loops, GC and JIT
 * alike.
 */
final class ProcStat {
  private static volatile long ticksPerSecond = -1;

  private ProcStat() {}

  /** {@code utime + stime} in clock ticks, parsed from one line of {@code /proc/<pid>/stat}. */
  static long cpuTicks(String statLine) {
    // The command name (field 2) is in parentheses and may hold spaces or ')': fields resume after
    // the LAST ')'.
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statLine);
    }
    String[] f = statLine.substring(close + 1).trim().split("\\s+");
    // f[0] is field 3 (state), so field n is f[n - 3].
    if (f.length < 13) {
      throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + statLine);
    }
    return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
  }

  /** Process CPU time in nanoseconds (resolution: one clock tick, usually 10 ms). */
  static long cpuNanos(long pid) {
    try {
      String line =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      return cpuTicks(line) * 1_000_000_000L / ticksPerSecond();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read /proc/" + pid + "/stat (Linux only): " + e.getMessage(), e);
    }
  }

  /**
   * Thread groups of a JVM running Vert.x, by thread name (the kernel keeps its first 15
   * characters).
   */
  static String group(String threadName) {
    if (threadName.startsWith("vert.x-eventloo")) {
      return "event loops";
    }
    if (threadName.startsWith("vert.x-acceptor")) {
      return "acceptor";
    }
    if (threadName.startsWith("vert.x-")) {
      return "Vert.x workers";
    }
    if (threadName.contains("CompilerThre")) {
      return "JIT";
    }
    if (threadName.startsWith("GC ")
        || threadName.startsWith("G1 ")
        || threadName.equals("VM Thread")) {
      return "GC";
    }
    return "other";
  }

  /**
   * Ticks per thread group of {@code pid} ({@link #group}), each as {user, system}; plus "all" for
   * the sum. Threads that ended are missing: use differences between two calls only for long-lived
   * threads.
   */
  static java.util.Map<String, long[]> threadTicks(long pid) {
    java.util.Map<String, long[]> out = new java.util.TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
    if (tasks == null) {
      return out;
    }
    for (java.io.File t : tasks) {
      String line;
      try {
        line = Files.readString(t.toPath().resolve("stat"), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        continue; // the thread ended
      }
      int open = line.indexOf('(');
      int close = line.lastIndexOf(')');
      if (open < 0 || close < open) {
        continue;
      }
      String[] f = line.substring(close + 1).trim().split("\\s+");
      long user = Long.parseLong(f[14 - 3]);
      long system = Long.parseLong(f[15 - 3]);
      for (String g : new String[] {group(line.substring(open + 1, close)), "all"}) {
        long[] a = out.computeIfAbsent(g, k -> new long[2]);
        a[0] += user;
        a[1] += system;
      }
    }
    return out;
  }

  /**
   * Resident set size of {@code pid} ({@code VmRSS} of /proc/<pid>/status), bytes; -1 if unknown.
   */
  static long rssBytes(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return -1;
  }

  /** {@code getconf CLK_TCK}, 100 when it cannot be run. */
  static long ticksPerSecond() {
    long t = ticksPerSecond;
    if (t > 0) {
      return t;
    }
    t = 100;
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+")) {
        t = Long.parseLong(out);
      }
    } catch (IOException e) {
      // keep 100, the Linux default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ticksPerSecond = t;
    return t;
  }
}
