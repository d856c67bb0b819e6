package dev.slmp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which classes an idle connection costs: {@code jcmd <pid> GC.class_histogram} of the server
 * before and after opening the connections, and the difference per connection.
 */
final class HeapHistogram {
  private static final Pattern LINE =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

  /** Instances and bytes per class name. */
  record Snapshot(Map<String, long[]> classes) {}

  private HeapHistogram() {}

  /**
   * The live-object histogram of process {@code pid} (a full GC first), or null when jcmd cannot be
   * run.
   */
  static Snapshot take(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return null;
    }
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return parse(out);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static Snapshot parse(String histogram) {
    Map<String, long[]> m = new HashMap<>();
    for (String line : histogram.split("\n")) {
      Matcher x = LINE.matcher(line);
      if (x.matches()) {
        m.merge(
            x.group(3),
            new long[] {Long.parseLong(x.group(1)), Long.parseLong(x.group(2))},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return new Snapshot(m);
  }

  /**
   * The classes that grew most, as lines "bytes per connection, instances per connection, class".
   */
  static List<String> growth(Snapshot before, Snapshot after, int connections, int top) {
    List<Map.Entry<String, long[]>> d = new ArrayList<>();
    for (Map.Entry<String, long[]> e : after.classes().entrySet()) {
      long[] b = before.classes().getOrDefault(e.getKey(), new long[2]);
      d.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]}));
    }
    d.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : d.subList(0, Math.min(top, d.size()))) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "%8.0f B  %6.2f objects  %s",
              e.getValue()[1] / (double) connections,
              e.getValue()[0] / (double) connections,
              e.getKey()));
    }
    return out;
  }
}
