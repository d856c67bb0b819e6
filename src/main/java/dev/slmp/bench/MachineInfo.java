package dev.slmp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a run happened: processors, CPU model, kernel, Java; and the open-files limit the run
 * depends on.
 */
final class MachineInfo {
  private MachineInfo() {}

  static void describe(Map<String, Object> meta) {
    meta.put("nproc", Runtime.getRuntime().availableProcessors());
    meta.put("cpu", cpuModel());
    meta.put(
        "kernel",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    meta.put(
        "java",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")");
    meta.put(
        "clientJvmArgs",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    meta.put("openFilesLimit", openFilesLimit());
  }

  /** The 1, 5 and 15-minute load averages: other work on the machine during a run shows here. */
  static String loadAverage() {
    try {
      String[] f =
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
              .trim()
              .split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
      for (String l : lines) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  /**
   * The soft limit on open files of this process ({@code Max open files} in /proc/self/limits), -1
   * if unknown.
   */
  static long openFilesLimit() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.UTF_8)) {
        if (l.startsWith("Max open files")) {
          String[] f = l.substring("Max open files".length()).trim().split("\\s+");
          return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return -1;
  }
}
