package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench kafka}: the {@code kafka} row beside {@code durable}. Starts a local single-broker
 * Kafka ({@link LocalKafka}), an SLMP server with the durable inbox and one with {@code sink=kafka}
 * (each its own process, as in the main benchmark), and runs the same steady QoS1 load (the {@code
 * durable} workload: persistent connections, every DATA with ACK_REQUESTED, 64-byte payload)
 * against each, alternating over the rounds. Reports messages/s with ACK (median and range over the
 * rounds) and the ACK latency, to {@code target/bench/kafka.md}. Kept apart from the main run: the
 * broker is started only when asked for.
 */
final class KafkaBench {
  private KafkaBench() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(
          "usage: java -jar slmp-fat.jar bench kafka [--quick] [--rounds N] [--duration S]"
              + " [--connections N] [--suites 2]");
      return 2;
    }
    Suite suite =
        o.suites().contains(Suite.P256_AES128GCM) ? Suite.P256_AES128GCM : o.suites().get(0);
    Path dir = o.out().toAbsolutePath();
    Files.createDirectories(dir);
    Vertx vertx = Vertx.vertx();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      out.println("== starting a local Kafka (KRaft, one broker)");
      LocalKafka kafka =
          LocalKafka.start(
              Path.of("").toAbsolutePath(), fresh(dir.resolve("kafka")), LocalKafka.freePort());
      open.add(kafka);
      Map<String, Workload> loads = new LinkedHashMap<>();
      Map<String, ServerProcess> servers = new LinkedHashMap<>();
      for (String system : List.of(Results.DURABLE, "kafka")) {
        DataDirectory data = DataDirectory.openOrCreate(fresh(dir.resolve("data-" + system)));
        List<String> a = new ArrayList<>(List.of("server", "--data", data.dir().toString()));
        a.addAll(
            system.equals("kafka")
                ? List.of("--kafka", kafka.bootstrapServers())
                : List.of("--durable"));
        a.addAll(List.of("--threads", Integer.toString(o.serverThreads())));
        ServerProcess p =
            ServerProcess.start("slmp-" + system, o.serverJvm(), a, dir.resolve("logs"));
        open.add(p);
        servers.put(system, p);
        SlmpLoads.Fleet fleet = SlmpLoads.Fleet.of(vertx, data, p.port);
        open.add(fleet::close);
        Workload w = new SlmpLoads.Steady(fleet, suite, true, o.connections(), system + "-");
        open.add(w);
        w.prepare();
        Workload.Outcome warm = w.run(o.warmupNanos());
        out.println(
            "   " + system + " warm-up: " + Math.round(rate(warm)) + " msgs/s" + errors(warm));
        loads.put(system, w);
      }
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      Map<String, List<Long>> p50 = new LinkedHashMap<>();
      Map<String, List<Long>> p99 = new LinkedHashMap<>();
      Map<String, Long> errorCount = new LinkedHashMap<>();
      for (int r = 1; r <= o.rounds(); r++) {
        for (Map.Entry<String, Workload> e : loads.entrySet()) {
          Workload.Outcome w = e.getValue().run(o.durationNanos());
          rates.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(rate(w));
          p50.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
              .add(Stats.percentile(w.latencies(), 50));
          p99.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
              .add(Stats.percentile(w.latencies(), 99));
          errorCount.merge(e.getKey(), w.errors(), Long::sum);
          out.println(
              "   round "
                  + r
                  + " "
                  + e.getKey()
                  + ": "
                  + Math.round(rate(w))
                  + " msgs/s"
                  + errors(w));
        }
      }
      StringBuilder md = new StringBuilder();
      md.append("# SLMP: durable inbox vs Kafka sink (messages/s with ACK)\n\n")
          .append("Machine: ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores; ")
          .append(o.rounds())
          .append(" rounds of ")
          .append(o.durationNanos() / 1_000_000)
          .append(" ms after a warm-up of ")
          .append(o.warmupNanos() / 1_000_000)
          .append(" ms; ")
          .append(o.connections())
          .append(" steady connections, every DATA with ACK_REQUESTED, 64-byte payload, suite ")
          .append(suite.name())
          .append("; servers: separate processes, ")
          .append(o.serverThreads())
          .append(" event loop(s); Kafka: one local broker (KRaft) on the same machine, acks=all,")
          .append(
              " idempotent producer, linger.ms 5.\n\n| workload | msgs/s (median) | range | ACK p50 ms | ACK p99 ms | errors |\n")
          .append("|---|---|---|---|---|---|\n");
      for (String system : loads.keySet()) {
        Stats.Summary s = Stats.summarize(rates.get(system));
        md.append("| ")
            .append(system)
            .append(" | ")
            .append(Math.round(s.median()))
            .append(" | ")
            .append(Math.round(s.min()))
            .append("–")
            .append(Math.round(s.max()))
            .append(" | ")
            .append(ms(median(p50.get(system))))
            .append(" | ")
            .append(ms(median(p99.get(system))))
            .append(" | ")
            .append(errorCount.get(system))
            .append(" |\n");
      }
      Path file = dir.resolve("kafka.md");
      Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
      out.println();
      out.print(md);
      out.println("results: " + file);
      return 0;
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          err.println("warning: closing: " + e);
        }
      }
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static double rate(Workload.Outcome w) {
    return w.elapsedNanos() == 0 ? 0 : w.ops() * 1e9 / w.elapsedNanos();
  }

  private static String errors(Workload.Outcome w) {
    return w.errors() > 0 ? ", errors " + w.errors() + " (" + w.firstError() + ")" : "";
  }

  private static long median(List<Long> values) {
    long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return v.length == 0 ? -1 : v[v.length / 2];
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "–" : String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
  }

  private static Path fresh(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    return dir;
  }
}
