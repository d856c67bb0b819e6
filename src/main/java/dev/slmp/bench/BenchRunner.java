package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import io.vertx.core.Vertx;
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
          addIf(
              jobs,
              sys.tls,
              Results.SLEEPY_FULL,
              Results.TLS,
              () -> new BaselineLoads.Sleepy(List.of(sys.tlsFull), o.devices(), false));
          addIf(
              jobs,
              sys.tcp,
              Results.SLEEPY_FULL,
              Results.TCP,
              () -> new BaselineLoads.Sleepy(List.of(sys.tcpTarget), o.devices(), false));
        }
        if (o.wants(w) && w.equals(Results.SLEEPY_RESUMED)) {
          addIf(
              jobs,
              sys.tls,
              Results.SLEEPY_RESUMED,
              Results.TLS,
              () -> new BaselineLoads.Sleepy(sys.tlsResuming, o.devices(), true));
        }
        if (o.wants(w)
            && !baselineSteady
            && List.of(Results.STEADY_ACK, Results.STEADY_NOACK, Results.DURABLE).contains(w)) {
          baselineSteady = true;
          addIf(
              jobs,
              sys.tls,
              Results.STEADY_ACK,
              Results.TLS,
              () -> new BaselineLoads.Steady(sys.tlsFull, o.connections()));
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

  /** Prepares and warms up every job, then runs the rounds alternating between them. */
  private void measure(List<Job> jobs) throws Exception {
    try {
      for (Job j : jobs) {
        j.load().prepare();
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
              "TLS resumption check: "
                  + s.fullHandshakes()
                  + " full handshakes in "
                  + s.sessions()
                  + " sessions ("
                  + (s.fullHandshakes() < 0.05 * s.sessions() ? "verified: resumed" : "NOT resumed")
                  + ")");
        }
      }
    } finally {
      for (Job j : jobs) {
        results.series.add(j.series());
        j.load().close();
      }
    }
  }

  private void round(Job j, int r) throws Exception {
    Map<String, long[]> threads = ProcStat.threadTicks(j.server().pid);
    long serverCpu = j.server().cpuNanos();
    long clientCpu = ProcStat.cpuNanos(self);
    Workload.Outcome x = j.load().run(o.durationNanos());
    serverCpu = j.server().cpuNanos() - serverCpu;
    clientCpu = ProcStat.cpuNanos(self) - clientCpu;
    ProcStat.threadTicks(j.server().pid)
        .forEach(
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
            rate(x), serverCpu / 1e3 / ops, clientCpu / 1e3 / ops, p50, p99, x.ops(), x.errors());
    j.series().rounds().add(round);
    if (x.firstError() != null) {
      j.series().notes().putIfAbsent("firstError", x.firstError());
    }
    progress(
        String.format(
            Locale.ROOT,
            "%s round %d/%d: %s %s, server %s µs CPU/op, client %s µs CPU/op%s, errors %d%s",
            label(j),
            r,
            o.rounds(),
            Report.number(round.rate()),
            j.load().unit(),
            Report.number(round.serverCpuUs()),
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
    if (sys.tls != null) {
      try (ByteProxy proxy = ByteProxy.start(vertx, sys.tls.port, false)) {
        long full =
            BytesProbe.baseline(
                results,
                Results.TLS,
                sys.tlsFull,
                sys.tlsResuming.get(0),
                proxy,
                o.bytesSessions(),
                o.bytesMessages());
        results.meta.put("tlsResumedBytesFullHandshakes", full);
        progress(
            "tls bytes: "
                + bytesLine(Results.TLS)
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
    if (sys.tls != null) {
      memory(MemoryProbe.baseline(sys.tls, sys.tlsFull, Results.TLS, o.memoryConnections()));
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
