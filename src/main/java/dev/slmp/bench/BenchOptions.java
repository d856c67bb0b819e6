package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The options of {@code bench}; {@code --quick} changes the defaults, explicit options still win.
 */
record BenchOptions(
    boolean quick,
    int rounds,
    long durationNanos,
    long warmupNanos,
    long warmupEachNanos,
    int devices,
    int connections,
    int memoryConnections,
    Set<String> only,
    List<Suite> suites,
    Set<String> baselines,
    int serverThreads,
    Path out,
    boolean jfr,
    List<String> serverJvm,
    int bytesSessions,
    int bytesMessages,
    double jitMax,
    long warmupMaxNanos) {

  static final String USAGE =
      "bench [--quick] [--rounds N] [--duration 1500ms] [--warmup 20s]"
          + " [--warmup-each 3s] [--devices 16] [--connections 100] [--memory-connections 10000]"
          + " [--only sleepy-full,sleepy-resumed,steady-ack,steady-noack,durable,memory,bytes] [--suites 1,2,3]"
          + " [--baselines tls,boringssl,tcp|none] [--jit-max 5] [--warmup-max 90s] [--server-threads N] [--server-jvm '-Xms1g -Xmx1g'] [--jfr] [--out target/bench]";

  private static final Set<String> VALUED =
      Set.of(
          "--rounds",
          "--duration",
          "--warmup",
          "--warmup-each",
          "--devices",
          "--connections",
          "--memory-connections",
          "--only",
          "--suites",
          "--baselines",
          "--server-threads",
          "--server-jvm",
          "--jit-max",
          "--warmup-max",
          "--out");

  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  boolean wants(String workload) {
    return only.contains(workload);
  }

  static BenchOptions parse(List<String> args) throws UsageException {
    boolean quick = args.contains("--quick");
    int cores = Runtime.getRuntime().availableProcessors();
    BenchOptions d =
        new BenchOptions(
            quick,
            5,
            millis(quick ? 300 : 1500),
            seconds(quick ? 2 : 20),
            millis(quick ? 400 : 3000),
            16,
            100,
            quick ? 500 : 10_000,
            new LinkedHashSet<>(Results.WORKLOADS),
            List.of(Suite.values()),
            Set.of(Results.TLS, Results.BORINGSSL, Results.TCP),
            Math.max(1, cores / 2),
            Path.of("target", "bench"),
            false,
            List.of("-Xms1g", "-Xmx1g"),
            20,
            200,
            0.05,
            seconds(quick ? 4 : 90));
    int rounds = d.rounds();
    long duration = d.durationNanos();
    long warmup = d.warmupNanos();
    Long warmupEach = null;
    int devices = d.devices();
    int connections = d.connections();
    int memory = d.memoryConnections();
    Set<String> only = d.only();
    List<Suite> suites = d.suites();
    Set<String> baselines = d.baselines();
    int threads = d.serverThreads();
    Path out = d.out();
    boolean jfr = false;
    List<String> jvm = d.serverJvm();
    double jitMax = d.jitMax();
    long warmupMax = d.warmupMaxNanos();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--quick")) {
        continue;
      }
      if (a.equals("--jfr")) {
        jfr = true;
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq > 0 ? a.substring(0, eq) : a;
      if (!name.startsWith("--")) {
        throw new UsageException("unexpected argument " + a);
      }
      if (!VALUED.contains(name)) {
        throw new UsageException("unknown option " + name);
      }
      String v = eq > 0 ? a.substring(eq + 1) : i + 1 < args.size() ? args.get(++i) : null;
      if (v == null) {
        throw new UsageException(name + " needs a value");
      }
      switch (name) {
        case "--rounds" -> rounds = count(name, v, 1, 1000);
        case "--duration" -> duration = duration(name, v);
        case "--warmup" -> warmup = duration(name, v);
        case "--warmup-each" -> warmupEach = duration(name, v);
        case "--devices" -> devices = count(name, v, 1, 10_000);
        case "--connections" -> connections = count(name, v, 1, 10_000);
        case "--memory-connections" -> memory = count(name, v, 1, 100_000);
        case "--only" -> only = workloads(v);
        case "--suites" -> suites = suites(v);
        case "--baselines" -> baselines = baselines(v);
        case "--server-threads" -> threads = count(name, v, 1, 256);
        case "--server-jvm" -> jvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
        case "--out" -> out = Path.of(v);
        case "--jit-max" -> jitMax = count(name, v, 1, 100) / 100.0;
        case "--warmup-max" -> warmupMax = duration(name, v);
        default -> throw new UsageException("unknown option " + name);
      }
    }
    if (duration <= 0) {
      throw new UsageException("--duration must be more than 0");
    }
    long each = Math.min(warmupEach != null ? warmupEach : d.warmupEachNanos(), warmup);
    return new BenchOptions(
        quick,
        rounds,
        duration,
        warmup,
        each,
        devices,
        connections,
        memory,
        only,
        suites,
        baselines,
        threads,
        out,
        jfr,
        jvm,
        d.bytesSessions(),
        d.bytesMessages(),
        jitMax,
        warmupMax);
  }

  /** {@code 1500ms}, {@code 1.5s}, {@code 2m}, {@code 0}; a bare number is seconds. */
  static long duration(String name, String v) throws UsageException {
    String s = v.trim().toLowerCase(Locale.ROOT);
    double unit = 1e9;
    if (s.endsWith("ms")) {
      unit = 1e6;
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      unit = 60e9;
      s = s.substring(0, s.length() - 1);
    }
    try {
      double n = Double.parseDouble(s);
      if (n >= 0 && n <= 3600) {
        return (long) (n * unit);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(name + " must be a duration such as 1500ms, 2s or 1m, was " + v);
  }

  private static int count(String name, String v, int min, int max) throws UsageException {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(name + " must be a number from " + min + " to " + max + ", was " + v);
  }

  private static Set<String> workloads(String v) throws UsageException {
    Set<String> out = new LinkedHashSet<>();
    for (String w : v.split(",")) {
      String t = w.trim();
      switch (t) {
        case "steady" -> out.addAll(List.of(Results.STEADY_ACK, Results.STEADY_NOACK));
        case "sleepy" -> out.addAll(List.of(Results.SLEEPY_FULL, Results.SLEEPY_RESUMED));
        case "all" -> out.addAll(Results.WORKLOADS);
        default -> {
          if (!Results.WORKLOADS.contains(t)) {
            throw new UsageException(
                "--only: unknown workload "
                    + t
                    + " (known: "
                    + String.join(", ", Results.WORKLOADS)
                    + ", steady, sleepy)");
          }
          out.add(t);
        }
      }
    }
    return out;
  }

  private static List<Suite> suites(String v) throws UsageException {
    List<Suite> out = new ArrayList<>();
    for (String s : v.split(",")) {
      Suite suite = s.trim().matches("[0-9]+") ? Suite.byId(Integer.parseInt(s.trim())) : null;
      if (suite == null) {
        throw new UsageException("--suites: unknown suite " + s + " (known: 1, 2, 3)");
      }
      if (!out.contains(suite)) {
        out.add(suite);
      }
    }
    return out;
  }

  private static Set<String> baselines(String v) throws UsageException {
    Set<String> out = new LinkedHashSet<>();
    for (String s : v.split(",")) {
      String t = s.trim();
      if (t.equals("none")) {
        continue;
      }
      if (!t.equals(Results.TLS) && !t.equals(Results.BORINGSSL) && !t.equals(Results.TCP)) {
        throw new UsageException("--baselines: tls, boringssl, tcp or none, was " + t);
      }
      out.add(t);
    }
    return out;
  }

  /** The value after {@code name} ({@code --name v} or {@code --name=v}), else {@code def}. */
  static String value(List<String> args, String name, String def) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(name) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (a.startsWith(name + "=")) {
        return a.substring(name.length() + 1);
      }
    }
    return def;
  }

  private static long millis(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  private static long seconds(long s) {
    return TimeUnit.SECONDS.toNanos(s);
  }
}
