package dev.slmp.bench;

import dev.slmp.client.SlmpClient;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench scale}: how the cost grows with the work (issue 17, item 4), suite 3 throughout.
 * Idle connections (1k, 10k, and as many as the open-files limit allows, up to 100k) held on one
 * node from several loopback source addresses: server heap after GC and RSS per connection, and the
 * full-handshake rate while they are held; sessions per store at 1M (standalone and Hazelcast);
 * steady messages/s with ACK at 100, 1,000 and 10,000 connections; server CPU per resumed session
 * on a local 3-node cluster (resumptions rotating between the nodes) against one node. Writes
 * {@code scale.md} and {@code scale.json}.
 */
final class ScaleRunner {
  static final Suite SUITE = Suite.X25519_CHACHA20POLY1305;
  private static final long ROUND = TimeUnit.MILLISECONDS.toNanos(1500);
  private final PrintStream out;
  private final Path dir;
  private final List<String> jvm;
  private final Set<String> parts;
  private final List<Integer> idle;
  private final List<Integer> steady;
  private final int sessions;
  private final int clusterSize;
  private final int rounds;
  private final long started = System.nanoTime();
  private final JsonObject json = new JsonObject();
  private final StringBuilder md = new StringBuilder("# SLMP at scale\n\n");

  private ScaleRunner(List<String> args, PrintStream out) {
    this.out = out;
    this.dir = Path.of(BenchOptions.value(args, "--out", "target/bench"));
    this.jvm =
        List.of(BenchOptions.value(args, "--server-jvm", "-Xms2g -Xmx3g").trim().split("\\s+"));
    this.parts = Set.of(BenchOptions.value(args, "--only", "idle,store,steady,cluster").split(","));
    long limit = MachineInfo.openFilesLimit();
    int fit = (int) Math.min(100_000, (limit > 0 ? limit : 100_000) - 1_000);
    List<Integer> def = new ArrayList<>(List.of(1_000, 10_000));
    def.add(fit);
    this.idle = ints(BenchOptions.value(args, "--idle", null), def);
    this.steady = ints(BenchOptions.value(args, "--steady", null), List.of(100, 1_000, 10_000));
    this.sessions = Integer.parseInt(BenchOptions.value(args, "--sessions", "1000000"));
    this.clusterSize = Integer.parseInt(BenchOptions.value(args, "--cluster", "3"));
    this.rounds = Integer.parseInt(BenchOptions.value(args, "--rounds", "3"));
    json.put("openFilesLimit", limit);
    json.put("loadAverageAtStart", MachineInfo.loadAverage());
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    try {
      return new ScaleRunner(args, out).run();
    } catch (Exception e) {
      err.println("error: the scale run failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  private static List<Integer> ints(String v, List<Integer> def) {
    if (v == null) {
      return def;
    }
    List<Integer> out = new ArrayList<>();
    for (String s : v.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  private int run() throws Exception {
    Files.createDirectories(dir);
    md.append("- date: ")
        .append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append('\n');
    md.append("- load average at start: ").append(MachineInfo.loadAverage()).append('\n');
    md.append("- open-files limit: ")
        .append(MachineInfo.openFilesLimit())
        .append(
            " (per process; the server and the load generator each hold one descriptor per connection)\n");
    md.append("- servers: java ")
        .append(String.join(" ", jvm))
        .append(", 1 event loop; suite ")
        .append(SUITE.id())
        .append(" ")
        .append(SUITE.name())
        .append("\n\n");
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    try {
      if (parts.contains("idle") || parts.contains("steady") || parts.contains("cluster")) {
        try (Node one = Node.start(this, "scale-1", 1, 0, null)) {
          SlmpLoads.Fleet fleet = one.fleet(vertx, "127.0.0.1");
          warm(one, fleet);
          if (parts.contains("idle")) {
            idle(vertx, one, fleet);
          }
          if (parts.contains("steady")) {
            steady(one, fleet);
          }
          if (parts.contains("cluster")) {
            resumed("1 node (standalone store)", List.of(one), fleet, null);
          }
          fleet.close();
        }
      }
      if (parts.contains("cluster")) {
        cluster(vertx);
      }
      if (parts.contains("store")) {
        store("memory");
        store("hazelcast");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    json.put("loadAverageAtEnd", MachineInfo.loadAverage());
    md.append("- load average at end: ").append(MachineInfo.loadAverage()).append('\n');
    Files.writeString(dir.resolve("scale.md"), md.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("scale.json"), json.encodePrettily() + "\n", StandardCharsets.UTF_8);
    out.println();
    out.print(md);
    out.println("results: " + dir.resolve("scale.md") + " and " + dir.resolve("scale.json"));
    return 0;
  }

  /** Full handshakes until the server's JIT takes under 5 % of its CPU in a round (max 60 s). */
  private void warm(Node n, SlmpLoads.Fleet fleet) throws Exception {
    try (SlmpLoads.Sleepy w = new SlmpLoads.Sleepy(fleet, SUITE, false, 16)) {
      w.prepare();
      warmUntilCompiled(n, w, TimeUnit.SECONDS.toNanos(8));
    }
  }

  /**
   * Runs {@code load} for {@code first}, then round by round (at most 60 s more) until the JIT
   * threads of every server process together take under 5 % of their CPU in a round.
   */
  private void warmUntilCompiled(Node n, Workload load, long first) throws Exception {
    load.run(first);
    for (int i = 0; i < 40; i++) {
      var before = n.threadTicks();
      load.run(ROUND);
      double jit = BenchRunner.jitShare(before, n.threadTicks());
      if (jit >= 0 && jit < 0.05) {
        progress("warmed up: JIT " + pct(jit) + " % of the servers' CPU");
        return;
      }
    }
    progress("warm-up ended with the JIT still above 5 %");
  }

  // ---- idle connections ---------------------------------------------------------------------

  private void idle(Vertx vertx, Node node, SlmpLoads.Fleet fleet) throws Exception {
    ServerProcess server = node.servers.get(0);
    // Several source addresses: 28k ephemeral ports per address and destination.
    List<SlmpLoads.Fleet> sources = new ArrayList<>();
    for (int a = 1; a <= 4; a++) {
      sources.add(node.fleet(vertx, "127.0.0." + a));
    }
    long heap0 = server.heapAfterGc();
    long rss0 = ProcStat.rssBytes(server.pid);
    Report.Table t =
        new Report.Table(
            "idle connections",
            "heap after GC, MB",
            "heap per connection, KB",
            "RSS, MB",
            "RSS per connection, KB",
            "open rate, conn/s",
            "full handshakes/s while held",
            "server µs CPU per handshake while held");
    List<SlmpClient> held = new ArrayList<>();
    JsonArray rows = new JsonArray();
    byte[] payload = SlmpLoads.payload();
    try {
      for (int target : idle) {
        int from = held.size();
        int more = target - from;
        if (more <= 0) {
          continue;
        }
        long t0 = System.nanoTime();
        List<SlmpClient> opened;
        try {
          opened =
              ClosedLoop.bounded(
                  more,
                  64,
                  more / 100,
                  i -> {
                    int k = from + i;
                    SlmpLoads.Fleet f = sources.get(k % sources.size());
                    return f.connect(f.options("idle-" + k, SUITE), null)
                        .compose(
                            c ->
                                c.sendWithAck(SlmpLoads.TOPIC, payload)
                                    .compose(
                                        s ->
                                            s == AckStatus.ACCEPTED
                                                ? Future.succeededFuture(c)
                                                : c.close()
                                                    .transform(
                                                        x -> Future.failedFuture("ACK " + s))));
                  });
        } catch (IllegalStateException e) {
          progress("could not open " + target + " connections: " + e.getMessage());
          json.put("idleFailure", target + ": " + e.getMessage());
          md.append("Opening ")
              .append(target)
              .append(" idle connections failed: ")
              .append(e.getMessage())
              .append("\n\n");
          break;
        }
        double openRate = more / ((System.nanoTime() - t0) / 1e9);
        opened.stream().filter(Objects::nonNull).forEach(held::add);
        int n = held.size();
        long heap = server.heapAfterGc();
        long rss = ProcStat.rssBytes(server.pid);
        Sample hs = sleepy(node, fleet, false, null);
        double heapPer = (heap - heap0) / (double) n;
        double rssPer = (rss - rss0) / (double) n;
        progress(
            String.format(
                Locale.ROOT,
                "%,d idle connections: heap %.1f KB and RSS %.1f KB per connection; %s full handshakes/s at %s µs while held",
                n,
                heapPer / 1024,
                rssPer / 1024,
                Report.number(hs.rate),
                Report.number(hs.cpuUs)));
        t.row(
            String.format(Locale.ROOT, "%,d", n),
            Report.number(heap / 1048576.0),
            String.format(Locale.ROOT, "%.1f", heapPer / 1024),
            Report.number(rss / 1048576.0),
            String.format(Locale.ROOT, "%.1f", rssPer / 1024),
            Report.number(openRate),
            Report.number(hs.rate),
            Report.number(hs.cpuUs));
        rows.add(
            new JsonObject()
                .put("connections", n)
                .put("heapBytes", heap)
                .put("heapPerConnection", Math.round(heapPer))
                .put("rssBytes", rss)
                .put("rssPerConnection", Math.round(rssPer))
                .put("openPerSecond", Math.round(openRate))
                .put("handshakesPerSecondWhileHeld", hs.rate)
                .put("serverUsPerHandshakeWhileHeld", hs.cpuUs)
                .put("jitShare", hs.jit));
      }
    } finally {
      ClosedLoop.bounded(held.size(), 256, held.size(), i -> held.get(i).close());
      sources.forEach(SlmpLoads.Fleet::close);
    }
    json.put("idle", rows);
    md.append(
            "## Idle connections on one node\n\nHeap (after GC) and RSS of the server process, minus its figures before the first connection; each connection did a full handshake and one DATA with ACK, then stays idle. Connections come from 127.0.0.1–127.0.0.4. Handshake rate: 16 sleepy devices doing full handshakes, median of ")
        .append(rounds)
        .append(" rounds of 1.5 s, while the connections are held.\n\n")
        .append(t.render())
        .append('\n');
  }

  // ---- steady ----------------------------------------------------------------------------------

  private void steady(Node node, SlmpLoads.Fleet fleet) throws Exception {
    Report.Table t =
        new Report.Table(
            "connections", "msgs/s with ACK", "server µs CPU/msg", "p50 / p99 ms", "JIT %");
    JsonArray rows = new JsonArray();
    for (int n : steady) {
      try (SlmpLoads.Steady load =
          new SlmpLoads.Steady(fleet, SUITE, true, n, "scale-s" + n + "-")) {
        load.prepare();
        load.run(TimeUnit.SECONDS.toNanos(3));
        Sample s = measure(node, load);
        progress(
            String.format(
                Locale.ROOT,
                "steady with ACK, %,d connections: %s msgs/s, %s µs/msg",
                n,
                Report.number(s.rate),
                Report.number(s.cpuUs)));
        t.row(
            String.format(Locale.ROOT, "%,d", n),
            Report.number(s.rate),
            Report.number(s.cpuUs),
            Report.number(s.p50) + " / " + Report.number(s.p99),
            pct(s.jit));
        rows.add(
            new JsonObject()
                .put("connections", n)
                .put("msgsPerSecond", s.rate)
                .put("serverUsPerMsg", s.cpuUs)
                .put("p50Ms", s.p50)
                .put("p99Ms", s.p99)
                .put("jitShare", s.jit));
      }
    }
    json.put("steady", rows);
    md.append(
            "## Steady messages with ACK, by connections\n\nOne 64-byte DATA in flight per connection (in-memory consumer); median of ")
        .append(rounds)
        .append(" rounds of 1.5 s.\n\n")
        .append(t.render())
        .append('\n');
  }

  // ---- cluster ---------------------------------------------------------------------------------

  private final List<String[]> clusterRows = new ArrayList<>();
  private final JsonArray clusterJson = new JsonArray();

  private void cluster(Vertx vertx) throws Exception {
    String name = "slmp-bench-" + UUID.randomUUID();
    try (Node c = Node.start(this, "scale-cluster", clusterSize, clusterSize, name)) {
      SlmpLoads.Fleet fleet = c.fleet(vertx, "127.0.0.1");
      try {
        int[] ports = c.servers.stream().mapToInt(s -> s.port).toArray();
        // Warm every member: full handshakes rotating between them.
        try (SlmpLoads.Sleepy w = new SlmpLoads.Sleepy(fleet, SUITE, true, 16, ports)) {
          w.prepare();
          warmUntilCompiled(c, w, TimeUnit.SECONDS.toNanos(15));
        }
        resumed(
            clusterSize + "-node cluster (Hazelcast store), resumptions rotating between the nodes",
            List.of(c),
            fleet,
            ports);
      } finally {
        fleet.close();
      }
    }
    Report.Table t =
        new Report.Table(
            "set-up",
            "resumed sessions/s",
            "server µs CPU per resumed session (all nodes)",
            "JIT %");
    clusterRows.forEach(t::row);
    json.put("cluster", clusterJson);
    md.append(
            "## Resumed sessions: one node against a local cluster\n\n16 sleepy devices resuming (suite 3); the CPU of every server process counts. On a ")
        .append(clusterSize)
        .append(
            "-node cluster each resumption goes to another node than the device's previous session, and the resume counter is advanced by an entry processor on the session's partition owner (one synchronous backup). All processes share this machine's cores.\n\n")
        .append(t.render())
        .append('\n');
  }

  private void resumed(String label, List<Node> nodes, SlmpLoads.Fleet fleet, int[] ports)
      throws Exception {
    Node n = nodes.get(0);
    Sample s = sleepy(n, fleet, true, ports);
    progress(
        label
            + ": "
            + Report.number(s.rate)
            + " resumed sessions/s, "
            + Report.number(s.cpuUs)
            + " µs per session");
    clusterRows.add(
        new String[] {label, Report.number(s.rate), Report.number(s.cpuUs), pct(s.jit)});
    clusterJson.add(
        new JsonObject()
            .put("setup", label)
            .put("sessionsPerSecond", s.rate)
            .put("serverUsPerSession", s.cpuUs)
            .put("jitShare", s.jit));
  }

  // ---- stores ----------------------------------------------------------------------------------

  private final Report.Table storeTable =
      new Report.Table(
          "store",
          "sessions",
          "heap before, MB",
          "heap after, MB",
          "bytes per session",
          "target",
          "puts/s");
  private final JsonArray storeJson = new JsonArray();

  private void store(String kind) throws Exception {
    List<String> cmd = new ArrayList<>(ServerProcess.javaCommand(List.of("-Xms4g", "-Xmx4g")));
    cmd.addAll(
        List.of("bench", "store-probe", "--store", kind, "--sessions", Integer.toString(sessions)));
    Path log = dir.resolve("logs").resolve("store-" + kind + ".log");
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    p.getOutputStream().close();
    String line = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        if (l.startsWith(ChildControl.PREFIX + "store ")) {
          line = l.substring(ChildControl.PREFIX.length() + "store ".length());
        }
      }
    }
    if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0 || line == null) {
      progress(kind + " store probe failed (log " + log + ")");
      storeTable.row(kind, Integer.toString(sessions), "—", "—", "failed: see " + log, "", "");
    } else {
      long before = BenchRunner.statValue(line, "heapBefore");
      long after = BenchRunner.statValue(line, "heapAfter");
      long per = BenchRunner.statValue(line, "bytesPerSession");
      long puts = BenchRunner.statValue(line, "putsPerSecond");
      progress(
          kind
              + " store: "
              + per
              + " B per session at "
              + String.format(Locale.ROOT, "%,d", sessions)
              + " sessions");
      storeTable.row(
          kind.equals("memory")
              ? "standalone (InMemorySessionStore)"
              : "Hazelcast (HazelcastSessionStore, 1 member)",
          String.format(Locale.ROOT, "%,d", sessions),
          Report.number(before / 1048576.0),
          Report.number(after / 1048576.0),
          String.format(Locale.ROOT, "%,d", per),
          kind.equals("hazelcast") ? (per <= 300 ? "≤ 300 B: met" : "≤ 300 B: **MISSED**") : "",
          String.format(Locale.ROOT, "%,d", puts));
      storeJson.add(
          new JsonObject()
              .put("store", kind)
              .put("sessions", sessions)
              .put("heapBefore", before)
              .put("heapAfter", after)
              .put("bytesPerSession", per)
              .put("putsPerSecond", puts));
    }
    if (kind.equals("hazelcast")) {
      json.put("stores", storeJson);
      md.append(
              "## Memory per stored session\n\nOne JVM (-Xmx4g) per store, heap after GC before and after storing the sessions of as many devices (both maps: session id → sealed session, device → its session id with a MAC). In a cluster each member holds its share of both maps twice (owner and one synchronous backup).\n\n")
          .append(storeTable.render())
          .append('\n');
    }
  }

  // ---- measuring -------------------------------------------------------------------------------

  record Sample(double rate, double cpuUs, double p50, double p99, double jit) {}

  private Sample sleepy(Node n, SlmpLoads.Fleet fleet, boolean resumed, int[] ports)
      throws Exception {
    try (SlmpLoads.Sleepy load = new SlmpLoads.Sleepy(fleet, SUITE, resumed, 16, ports)) {
      load.prepare();
      load.run(TimeUnit.SECONDS.toNanos(2));
      return measure(n, load);
    }
  }

  /**
   * {@code rounds} rounds: the medians of rate, server CPU per op (all its processes), latency, JIT
   * share.
   */
  private Sample measure(Node n, Workload load) throws Exception {
    List<Double> rate = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> jit = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      long c0 = n.cpuNanos();
      var t0 = n.threadTicks();
      Workload.Outcome o = load.run(ROUND);
      long c = n.cpuNanos() - c0;
      if (o.errors() > 0) {
        progress("errors: " + o.errors() + " (" + o.firstError() + ")");
      }
      long ops = Math.max(1, o.ops());
      rate.add(o.ops() / (o.elapsedNanos() / 1e9));
      cpu.add(c / 1e3 / ops);
      jit.add(BenchRunner.jitShare(t0, n.threadTicks()));
      if (o.latencies().length > 0) {
        p50.add(Stats.percentile(o.latencies(), 50) / 1e6);
        p99.add(Stats.percentile(o.latencies(), 99) / 1e6);
      }
    }
    return new Sample(
        Stats.summarize(rate).median(),
        Stats.summarize(cpu).median(),
        p50.isEmpty() ? Double.NaN : Stats.summarize(p50).median(),
        p99.isEmpty() ? Double.NaN : Stats.summarize(p99).median(),
        Stats.summarize(jit).median());
  }

  private static String pct(double share) {
    return share < 0 || Double.isNaN(share) ? "—" : String.format(Locale.ROOT, "%.1f", 100 * share);
  }

  void progress(String line) {
    long s = (System.nanoTime() - started) / 1_000_000_000L;
    out.printf(Locale.ROOT, "[scale %d:%02d] %s%n", s / 60, s % 60, line);
    out.flush();
  }

  /** One SLMP node, or the members of a local cluster, each in its own process. */
  private static final class Node implements AutoCloseable {
    final List<ServerProcess> servers = new ArrayList<>();
    final DataDirectory data;

    private Node(DataDirectory data) {
      this.data = data;
    }

    static Node start(ScaleRunner r, String name, int count, int cluster, String clusterName)
        throws Exception {
      Path base = r.dir.resolve(name).toAbsolutePath();
      Systems.deleteTree(base);
      DataDirectory data = DataDirectory.openOrCreate(base.resolve("node1"));
      Node n = new Node(data);
      List<Path> dirs = new ArrayList<>(List.of(base.resolve("node1")));
      for (int i = 2; i <= count; i++) {
        Path d = base.resolve("node" + i);
        Files.createDirectories(d);
        try (var files = Files.list(base.resolve("node1"))) {
          for (Path f : (Iterable<Path>) files::iterator) {
            if (Files.isRegularFile(f)) {
              Files.copy(f, d.resolve(f.getFileName()));
            }
          }
        }
        dirs.add(d);
      }
      List<java.util.concurrent.CompletableFuture<ServerProcess>> starting = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "server",
                    "--data",
                    dirs.get(i).toString(),
                    "--threads",
                    "1",
                    "--max-connections",
                    "200000",
                    "--keepalive",
                    "3600"));
        if (cluster > 0) {
          args.addAll(
              List.of("--cluster", Integer.toString(cluster), "--cluster-name", clusterName));
        }
        String pname = name + "-" + (i + 1);
        starting.add(
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return ServerProcess.start(pname, r.jvm, args, r.dir.resolve("logs"));
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }));
      }
      try {
        for (var f : starting) {
          n.servers.add(f.get(5, TimeUnit.MINUTES));
        }
      } catch (Exception e) {
        for (var f : starting) {
          f.thenAccept(ServerProcess::close);
        }
        throw e;
      }
      r.progress(
          "started "
              + name
              + ": "
              + count
              + " process(es), ports "
              + n.servers.stream().map(s -> Integer.toString(s.port)).toList());
      return n;
    }

    SlmpLoads.Fleet fleet(Vertx vertx, String source) {
      NetClientOptions o =
          new NetClientOptions()
              .setConnectTimeout((int) SlmpLoads.TIMEOUT_MS)
              .setTcpNoDelay(true)
              .setLocalAddress(source);
      return new SlmpLoads.Fleet(
          vertx,
          vertx.createNetClient(o),
          vertx.createNetClient(
              new NetClientOptions(o).setSendBufferSize(SlmpLoads.Fleet.NOACK_SEND_BUFFER)),
          servers.get(0).port,
          data.masterSecret(),
          data.p256().publicKey(),
          data.x25519().publicKey());
    }

    List<Long> pids() {
      return servers.stream().map(s -> s.pid).toList();
    }

    long cpuNanos() {
      return servers.stream().mapToLong(ServerProcess::cpuNanos).sum();
    }

    /** The thread ticks of every member, summed by group. */
    java.util.Map<String, long[]> threadTicks() {
      java.util.Map<String, long[]> sum = new java.util.TreeMap<>();
      for (ServerProcess s : servers) {
        ProcStat.threadTicks(s.pid)
            .forEach(
                (g, t) -> {
                  long[] a = sum.computeIfAbsent(g, k -> new long[2]);
                  a[0] += t[0];
                  a[1] += t[1];
                });
      }
      return sum;
    }

    @Override
    public void close() {
      servers.forEach(ServerProcess::close);
    }
  }
}
