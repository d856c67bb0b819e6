package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One benchmark run: every server under test in its own process (SLMP in memory, SLMP with the
 * durable inbox, TLS 1.3, plain TCP); per workload, each system is prepared and warmed up, then the
 * measured rounds alternate between the systems; then bytes and memory; then the report.
 */
final class BenchRunner {
  private final BenchOptions o;
  private final PrintStream out;
  private final Results results = new Results();
  private final long started = System.nanoTime();
  private final long self = ProcessHandle.current().pid();
  private final Set<ServerProcess> warmed = new HashSet<>();

  /**
   * One series being measured: its load, its server, and the server CPU split by thread group so
   * far.
   */
  private record Job(
      Results.Series series, ServerProcess server, Workload load, Map<String, long[]> split) {}

  BenchRunner(BenchOptions o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  int run() throws Exception {
    Files.createDirectories(o.out());
    describe();
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    try (Systems sys = Systems.start(o, vertx, this::progress)) {
      results.meta.put("tls", sys.tlsDescription);
      boolean baselineSteady = false;
      for (String w :
          List.of(
              Results.SLEEPY_FULL,
              Results.SLEEPY_RESUMED,
              Results.STEADY_ACK,
              Results.STEADY_NOACK,
              Results.DURABLE)) {
        List<Job> jobs = new ArrayList<>();
        if (o.wants(w)) {
          for (Suite s : o.suites()) {
            jobs.add(slmpJob(sys, w, s));
          }
        }
        boolean sleepy =
            w.equals(Results.SLEEPY_FULL)
                || (w.equals(Results.SLEEPY_RESUMED) && !o.wants(Results.SLEEPY_FULL));
        if (o.wants(w) && sleepy) {
          for (TlsBaseline t : sys.tlsBaselines()) {
            addIf(
                jobs,
                t.server(),
                Results.SLEEPY_FULL,
                t.system(),
                () -> new BaselineLoads.Sleepy(List.of(t.full()), o.devices(), false));
          }
          addIf(
              jobs,
              sys.tcp,
              Results.SLEEPY_FULL,
              Results.TCP,
              () -> new BaselineLoads.Sleepy(List.of(sys.tcpTarget), o.devices(), false));
        }
        if (o.wants(w) && w.equals(Results.SLEEPY_RESUMED)) {
          for (TlsBaseline t : sys.tlsBaselines()) {
            addIf(
                jobs,
                t.server(),
                Results.SLEEPY_RESUMED,
                t.system(),
                () -> new BaselineLoads.Sleepy(t.resuming(), o.devices(), true));
          }
        }
        if (o.wants(w)
            && !baselineSteady
            && List.of(Results.STEADY_ACK, Results.STEADY_NOACK, Results.DURABLE).contains(w)) {
          baselineSteady = true;
          for (TlsBaseline t : sys.tlsBaselines()) {
            addIf(
                jobs,
                t.server(),
                Results.STEADY_ACK,
                t.system(),
                () -> new BaselineLoads.Steady(t.full(), o.connections()));
          }
          addIf(
              jobs,
              sys.tcp,
              Results.STEADY_ACK,
              Results.TCP,
              () -> new BaselineLoads.Steady(sys.tcpTarget, o.connections()));
        }
        measure(jobs);
      }
      if (o.wants(Results.BYTES)) {
        bytes(vertx, sys);
      }
      if (o.wants(Results.MEMORY)) {
        memory(sys);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    results.meta.put("wallSeconds", Math.round((System.nanoTime() - started) / 1e9));
    results.meta.put("loadAverageAtEnd", MachineInfo.loadAverage());
    List<Targets.Verdict> verdicts = Targets.evaluate(results, o.suites());
    String md = Report.markdown(results, o.suites(), verdicts);
    Path mdFile = o.out().resolve("results.md");
    Path jsonFile = o.out().resolve("results.json");
    Files.writeString(mdFile, md, StandardCharsets.UTF_8);
    Files.writeString(
        jsonFile, results.toJson(verdicts).encodePrettily() + "\n", StandardCharsets.UTF_8);
    out.println();
    out.print(md);
    out.println("results: " + mdFile + " and " + jsonFile);
    return 0;
  }

  /** A TLS 1.3 baseline (JDK or BoringSSL): its server and the clients that reach it. */
  record TlsBaseline(
      String system,
      ServerProcess server,
      BaselineLoads.Target full,
      List<BaselineLoads.Target> resuming) {}

  private Job slmpJob(Systems sys, String w, Suite s) {
    Workload load =
        switch (w) {
          case Results.SLEEPY_FULL -> new SlmpLoads.Sleepy(sys.slmpFleet, s, false, o.devices());
          case Results.SLEEPY_RESUMED -> new SlmpLoads.Sleepy(sys.slmpFleet, s, true, o.devices());
          case Results.STEADY_ACK ->
              new SlmpLoads.Steady(sys.slmpFleet, s, true, o.connections(), "steady-a");
          case Results.STEADY_NOACK ->
              new SlmpLoads.Steady(sys.slmpFleet, s, false, o.connections(), "steady-n");
          default -> new SlmpLoads.Steady(sys.durableFleet, s, true, o.connections(), "durable-");
        };
    return new Job(
        new Results.Series(w, Results.slmp(s), load.unit()),
        w.equals(Results.DURABLE) ? sys.durable : sys.slmp,
        load,
        new TreeMap<>());
  }

  private static void addIf(
      List<Job> jobs,
      ServerProcess server,
      String workload,
      String system,
      java.util.function.Supplier<Workload> load) {
    if (server != null) {
      Workload l = load.get();
      jobs.add(new Job(new Results.Series(workload, system, l.unit()), server, l, new TreeMap<>()));
    }
  }

  private void describe() {
    results.meta.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    MachineInfo.describe(results.meta);
    results.meta.put("loadAverageAtStart", MachineInfo.loadAverage());
    results.meta.put("mode", o.quick() ? "quick" : "full");
    results.meta.put(
        "method",
        o.rounds()
            + " rounds of "
            + ms(o.durationNanos())
            + " per workload and system, alternating between"
            + " the systems, after a warm-up of "
            + ms(o.warmupEachNanos())
            + " ("
            + ms(o.warmupNanos())
            + " for the first workload of each server process)");
    results.meta.put(
        "load",
        o.devices()
            + " concurrent sleepy devices; "
            + o.connections()
            + " steady connections; 64-byte payload,"
            + " empty topic; "
            + o.memoryConnections()
            + " idle connections for memory");
    results.meta.put(
        "servers",
        "separate processes: java "
            + String.join(" ", o.serverJvm())
            + ", "
            + o.serverThreads()
            + " event loop(s) each, half the cores: the load generator has the rest (SLMP: that many gateway and handshake"
            + " verticles, no slmp.in publish; baselines: that many NetServer instances); Linux epoll");
    long limit = MachineInfo.openFilesLimit();
    if (limit > 0 && limit < o.memoryConnections() + 2_000L && o.wants(Results.MEMORY)) {
      progress(
          "warning: open-files limit "
              + limit
              + " is low for "
              + o.memoryConnections()
              + " connections; raise it with ulimit -n");
    }
  }

  // ---- measuring
  // -------------------------------------------------------------------------------------

  /**
   * Prepares and warms up every job, then runs the rounds alternating between them. A warm-up is
   * extended, round by round (up to {@code --warmup-max}), until the JIT compiler threads take less
   * than {@code --jit-max} of the server's CPU in a round, so that no system is measured
   * half-compiled.
   */
  private void measure(List<Job> jobs) throws Exception {
    Map<Job, String> statsBefore = new java.util.IdentityHashMap<>();
    try {
      for (Job j : jobs) {
        j.load().prepare();
        if (resumedBaseline(j)) {
          statsBefore.put(j, j.server().stats());
        }
        long warm = warmed.add(j.server()) ? o.warmupNanos() : o.warmupEachNanos();
        if (warm > 0) {
          Workload.Outcome w = j.load().run(warm);
          progress(
              label(j)
                  + " warm-up "
                  + ms(warm)
                  + ": "
                  + Report.number(rate(w))
                  + " "
                  + j.load().unit()
                  + (w.errors() > 0 ? ", errors " + w.errors() + " (" + w.firstError() + ")" : ""));
          warmUntilCompiled(j);
        }
      }
      for (int r = 1; r <= o.rounds(); r++) {
        for (Job j : jobs) {
          round(j, r);
        }
      }
      for (Job j : jobs) {
        j.series().notes().put("serverCpu", cpuSplit(j.split()));
        j.series().notes().putAll(j.load().notes());
        if (j.load() instanceof BaselineLoads.Sleepy s
            && j.series().workload().equals(Results.SLEEPY_RESUMED)) {
          progress(
              Results.display(j.series().system())
                  + " resumption check, client side: "
                  + s.fullHandshakes()
                  + " full handshakes in "
                  + s.sessions()
                  + " sessions ("
                  + (s.fullHandshakes() < 0.05 * s.sessions() ? "verified: resumed" : "NOT resumed")
                  + ")");
          if (statsBefore.containsKey(j)) {
            serverResumption(j, statsBefore.get(j));
          }
        }
      }
    } finally {
      for (Job j : jobs) {
        results.series.add(j.series());
        j.load().close();
      }
    }
  }

  private static boolean resumedBaseline(Job j) {
    return j.series().workload().equals(Results.SLEEPY_RESUMED)
        && j.series().system().equals(Results.BORINGSSL);
  }

  /** The server's side of the resumption check (BoringSSL: SSL_session_reused per connection). */
  private void serverResumption(Job j, String before) throws IOException {
    String after = j.server().stats();
    long conns = statValue(after, "connections") - statValue(before, "connections");
    long resumed = statValue(after, "resumed") - statValue(before, "resumed");
    if (conns <= 0) {
      return;
    }
    String share = Math.round(1000.0 * resumed / conns) / 10.0 + "%";
    j.series().notes().put("serverResumedShare", share);
    progress(
        Results.display(j.series().system())
            + " resumption check, server side: "
            + resumed
            + " of "
            + conns
            + " connections resumed ("
            + (resumed > 0.95 * conns ? "verified" : "NOT resumed")
            + ")");
  }

  static long statValue(String stats, String key) {
    for (String part : stats.trim().split("\\s+")) {
      if (part.startsWith(key + "=")) {
        try {
          return Long.parseLong(part.substring(key.length() + 1));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /**
   * Runs the job's load round by round while the server's JIT threads take {@code --jit-max} or
   * more of its CPU, up to {@code --warmup-max}; notes the JIT share of the last warm-up round.
   */
  private void warmUntilCompiled(Job j) throws Exception {
    long spent = 0;
    double share = 1;
    while (spent < o.warmupMaxNanos()) {
      Map<String, long[]> before = ProcStat.threadTicks(j.server().pid);
      j.load().run(o.durationNanos());
      spent += o.durationNanos();
      share = jitShare(before, ProcStat.threadTicks(j.server().pid));
      if (share >= 0 && share < o.jitMax()) {
        break;
      }
    }
    String pct = String.format(Locale.ROOT, "%.1f%%", 100 * share);
    j.series().notes().put("warm-up extra", ms(spent) + " (JIT " + pct + " in its last round)");
    progress(
        label(j)
            + " warmed "
            + ms(spent)
            + " more: JIT "
            + pct
            + " of the server's CPU in the last warm-up round"
            + (share >= o.jitMax() ? " (STILL ABOVE " + Math.round(100 * o.jitMax()) + "%)" : ""));
  }

  /**
   * The JIT compiler threads' share of the process's CPU between two {@link ProcStat#threadTicks}.
   */
  static double jitShare(Map<String, long[]> before, Map<String, long[]> after) {
    long all = delta(before, after, "all");
    return all <= 0 ? -1 : delta(before, after, "JIT") / (double) all;
  }

  private static long delta(Map<String, long[]> before, Map<String, long[]> after, String group) {
    long[] a = after.getOrDefault(group, new long[2]);
    long[] b = before.getOrDefault(group, new long[2]);
    return Math.max(0, a[0] + a[1] - b[0] - b[1]);
  }

  private void round(Job j, int r) throws Exception {
    Map<String, long[]> threads = ProcStat.threadTicks(j.server().pid);
    long serverCpu = j.server().cpuNanos();
    long clientCpu = ProcStat.cpuNanos(self);
    Workload.Outcome x = j.load().run(o.durationNanos());
    serverCpu = j.server().cpuNanos() - serverCpu;
    clientCpu = ProcStat.cpuNanos(self) - clientCpu;
    Map<String, long[]> threadsAfter = ProcStat.threadTicks(j.server().pid);
    double jit = jitShare(threads, threadsAfter);
    threadsAfter.forEach(
        (g, t) -> {
          long[] before = threads.getOrDefault(g, new long[2]);
          long[] acc = j.split().computeIfAbsent(g, k -> new long[2]);
          acc[0] += Math.max(0, t[0] - before[0]);
          acc[1] += Math.max(0, t[1] - before[1]);
        });
    long ops = Math.max(1, x.ops());
    double p50 = x.latencies().length == 0 ? -1 : Stats.percentile(x.latencies(), 50) / 1e6;
    double p99 = x.latencies().length == 0 ? -1 : Stats.percentile(x.latencies(), 99) / 1e6;
    Results.Round round =
        new Results.Round(
            rate(x),
            serverCpu / 1e3 / ops,
            clientCpu / 1e3 / ops,
            p50,
            p99,
            x.ops(),
            x.errors(),
            jit);
    j.series().rounds().add(round);
    if (x.firstError() != null) {
      j.series().notes().putIfAbsent("firstError", x.firstError());
    }
    progress(
        String.format(
            Locale.ROOT,
            "%s round %d/%d: %s %s, server %s µs CPU/op (JIT %.1f%%), client %s µs CPU/op%s, errors %d%s",
            label(j),
            r,
            o.rounds(),
            Report.number(round.rate()),
            j.load().unit(),
            Report.number(round.serverCpuUs()),
            100 * Math.max(0, jit),
            Report.number(round.clientCpuUs()),
            p50 < 0 ? "" : ", p50 " + Report.number(p50) + " ms, p99 " + Report.number(p99) + " ms",
            x.errors(),
            x.firstError() == null ? "" : " (first: " + x.firstError() + ")"));
  }

  private void bytes(Vertx vertx, Systems sys) throws Exception {
    if (sys.slmp != null) {
      try (ByteProxy proxy = ByteProxy.start(vertx, sys.slmp.port, true)) {
        for (Suite s : o.suites()) {
          BytesProbe.slmp(results, sys.slmpFleet, s, proxy, o.bytesSessions(), o.bytesMessages());
          progress(Results.slmp(s) + " bytes: " + bytesLine(Results.slmp(s)));
        }
      }
    }
    for (TlsBaseline t : sys.tlsBaselines()) {
      try (ByteProxy proxy = ByteProxy.start(vertx, t.server().port, false)) {
        long full =
            BytesProbe.baseline(
                results,
                t.system(),
                t.full(),
                t.resuming().get(0),
                proxy,
                o.bytesSessions(),
                o.bytesMessages());
        results.meta.put(t.system() + "ResumedBytesFullHandshakes", full);
        progress(
            Results.display(t.system())
                + " bytes: "
                + bytesLine(t.system())
                + " (full handshakes among the resumed: "
                + full
                + ")");
      }
    }
    if (sys.tcp != null) {
      try (ByteProxy proxy = ByteProxy.start(vertx, sys.tcp.port, false)) {
        BytesProbe.baseline(
            results, Results.TCP, sys.tcpTarget, null, proxy, o.bytesSessions(), o.bytesMessages());
        progress("tcp bytes: " + bytesLine(Results.TCP));
      }
    }
  }

  private void memory(Systems sys) throws Exception {
    if (sys.slmp != null) {
      for (Suite s : o.suites()) {
        memory(MemoryProbe.slmp(sys.slmp, sys.slmpFleet, s, o.memoryConnections()));
      }
    }
    for (TlsBaseline t : sys.tlsBaselines()) {
      memory(MemoryProbe.baseline(t.server(), t.full(), t.system(), o.memoryConnections()));
    }
    if (sys.tcp != null) {
      memory(MemoryProbe.baseline(sys.tcp, sys.tcpTarget, Results.TCP, o.memoryConnections()));
    }
  }

  /**
   * "kernel 53%; event loops 81% acceptor 10% JIT 8%": where the server's CPU time went during the
   * rounds.
   */
  static String cpuSplit(Map<String, long[]> ticks) {
    long[] all = ticks.get("all");
    if (all == null || all[0] + all[1] == 0) {
      return "";
    }
    double total = all[0] + all[1];
    StringBuilder b =
        new StringBuilder(String.format(Locale.ROOT, "kernel %.0f%%;", 100 * all[1] / total));
    ticks.entrySet().stream()
        .filter(e -> !e.getKey().equals("all"))
        .sorted(
            (x, y) ->
                Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]))
        .filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
        .forEach(
            e ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        " %s %.0f%%",
                        e.getKey(),
                        100 * (e.getValue()[0] + e.getValue()[1]) / total)));
    return b.toString();
  }

  private void memory(Results.Memory m) {
    results.memory.add(m);
    progress(
        Results.display(m.system())
            + " memory: "
            + m.connections()
            + " idle connections, heap "
            + Report.number(m.heapBefore() / 1048576.0)
            + " → "
            + Report.number(m.heapAfter() / 1048576.0)
            + " MB, "
            + Report.number(m.bytesPerConnection() / 1024.0)
            + " KB per connection");
  }

  private String bytesLine(String sys) {
    StringBuilder b = new StringBuilder();
    for (Results.Bytes x : results.bytes) {
      if (x.system().equals(sys)) {
        b.append(b.length() == 0 ? "" : ", ")
            .append(x.what())
            .append(' ')
            .append(Report.number(x.bytes()));
      }
    }
    return b.toString();
  }

  private static String label(Job j) {
    return Results.display(j.series().system()) + " " + j.series().workload();
  }

  private static double rate(Workload.Outcome x) {
    return x.elapsedNanos() <= 0 ? 0 : x.ops() / (x.elapsedNanos() / 1e9);
  }

  private void progress(String line) {
    long s = (System.nanoTime() - started) / 1_000_000_000L;
    out.printf(Locale.ROOT, "[bench %d:%02d] %s%n", s / 60, s % 60, line);
    out.flush();
  }

  private static String ms(long nanos) {
    return nanos % 1_000_000_000L == 0 ? nanos / 1_000_000_000L + " s" : nanos / 1_000_000L + " ms";
  }
}
