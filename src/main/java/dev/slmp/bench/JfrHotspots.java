package dev.slmp.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code bench hot FILE.jfr [--top N]}: where a server spent its CPU, from the execution samples of
 * a JFR recording (as {@code bench --jfr} makes): the hottest methods by own time (leaf frame), by
 * inclusive time (on the stack), the SLMP method nearest to each sample, and the threads.
 */
final class JfrHotspots {
  private JfrHotspots() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !Files.isRegularFile(Path.of(args.get(0)))) {
      err.println("usage: bench hot FILE.jfr [--top N]");
      return 2;
    }
    int top = Integer.parseInt(BenchOptions.value(args, "--top", "25"));
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> nearestSlmp = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> nativeTop = new HashMap<>();
    int total = 0;
    int natives = 0;
    try (RecordingFile f = new RecordingFile(Path.of(args.get(0)))) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        if (e.getEventType().getName().equals("jdk.NativeMethodSample")) {
          RecordedStackTrace nst = e.getStackTrace();
          if (nst != null && !nst.getFrames().isEmpty()) {
            natives++;
            nativeTop.merge(name(nst.getFrames().get(0)), 1, Integer::sum);
          }
          continue;
        }
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        total++;
        String thread =
            e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
        threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
        List<RecordedFrame> frames = st.getFrames();
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        String slmp = null;
        for (RecordedFrame fr : frames) {
          String n = name(fr);
          if (seen.add(n)) {
            inclusive.merge(n, 1, Integer::sum);
          }
          if (slmp == null && n.startsWith("dev.slmp.")) {
            slmp = n;
          }
        }
        nearestSlmp.merge(
            slmp == null ? "(no SLMP frame: Vert.x, Netty, JDK, GC-free runtime)" : slmp,
            1,
            Integer::sum);
      }
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    out.println("execution samples: " + total);
    print(out, "threads", threads, total, top);
    print(out, "own time (leaf frame)", self, total, top);
    print(out, "inclusive time (on the stack)", inclusive, total, top);
    print(out, "nearest SLMP frame", nearestSlmp, total, top);
    out.println();
    out.println(
        "native samples (threads inside native code; epoll waits are idle time): " + natives);
    print(out, "native method", nativeTop, Math.max(1, natives), top);
    return 0;
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m == null ? "?" : m.getType().getName() + "." + m.getName();
  }

  private static void print(
      PrintStream out, String title, Map<String, Integer> counts, int total, int top) {
    out.println();
    out.println("== " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                out.println(
                    String.format(
                        Locale.ROOT,
                        "%6.1f%%  %6d  %s",
                        100.0 * e.getValue() / total,
                        e.getValue(),
                        e.getKey())));
  }
}
