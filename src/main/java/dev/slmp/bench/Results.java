package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, by workload and system; written as {@code results.json}. */
final class Results {
  static final String SLEEPY_FULL = "sleepy-full";
  static final String SLEEPY_RESUMED = "sleepy-resumed";
  static final String STEADY_ACK = "steady-ack";
  static final String STEADY_NOACK = "steady-noack";
  static final String DURABLE = "durable";
  static final String MEMORY = "memory";
  static final String BYTES = "bytes";
  static final List<String> WORKLOADS =
      List.of(SLEEPY_FULL, SLEEPY_RESUMED, STEADY_ACK, STEADY_NOACK, DURABLE, MEMORY, BYTES);

  static final String TLS = "tls";
  static final String BORINGSSL = "boringssl";
  static final String TCP = "tcp";

  /** The TLS 1.3 baselines: the JDK's SSLEngine and BoringSSL. */
  static final List<String> TLS_ENGINES = List.of(TLS, BORINGSSL);

  /**
   * One measured round. Latencies are -1 where the workload has none (DATA without ACK); {@code
   * jitShare}: the share of the server's CPU time its JIT compiler threads took in the round (-1:
   * unknown).
   */
  record Round(
      double rate,
      double serverCpuUs,
      double clientCpuUs,
      double p50Ms,
      double p99Ms,
      long ops,
      long errors,
      double jitShare) {}

  /**
   * The rounds of one workload on one system, with what was noticed (e.g. the share of TLS
   * resumptions).
   */
  record Series(
      String workload, String system, String unit, List<Round> rounds, Map<String, Object> notes) {
    Series(String workload, String system, String unit) {
      this(workload, system, unit, new ArrayList<>(), new LinkedHashMap<>());
    }

    Stats.Summary rate() {
      return Stats.summarize(rounds.stream().map(Round::rate).toList());
    }

    Stats.Summary serverCpu() {
      return Stats.summarize(rounds.stream().map(Round::serverCpuUs).toList());
    }

    Stats.Summary clientCpu() {
      return Stats.summarize(rounds.stream().map(Round::clientCpuUs).toList());
    }

    Stats.Summary p50() {
      return Stats.summarize(rounds.stream().map(Round::p50Ms).filter(v -> v >= 0).toList());
    }

    Stats.Summary p99() {
      return Stats.summarize(rounds.stream().map(Round::p99Ms).filter(v -> v >= 0).toList());
    }

    long errors() {
      return rounds.stream().mapToLong(Round::errors).sum();
    }

    /**
     * Server CPU per operation without its JIT compiler threads: what a warmed-up server would
     * spend at most (code still interpreted costs more), for rounds whose JIT share stayed high.
     */
    Stats.Summary serverCpuNoJit() {
      return Stats.summarize(
          rounds.stream().map(r -> r.serverCpuUs() * (1 - Math.max(0, r.jitShare()))).toList());
    }

    /** The JIT's share of the server's CPU over the rounds: median (min–max). */
    Stats.Summary jitShare() {
      return Stats.summarize(rounds.stream().map(Round::jitShare).filter(v -> v >= 0).toList());
    }
  }

  /**
   * Heap (after GC) of the server before and after {@code connections} idle established
   * connections.
   */
  record Memory(
      String system, int connections, long heapBefore, long heapAfter, List<String> growth) {
    Memory(String system, int connections, long heapBefore, long heapAfter) {
      this(system, connections, heapBefore, heapAfter, List.of());
    }

    double bytesPerConnection() {
      return (heapAfter - heapBefore) / (double) connections;
    }
  }

  /** TCP payload bytes, both directions, counted on the client side, per session or message. */
  record Bytes(String what, String system, double bytes, int samples, String breakdown) {
    Bytes(String what, String system, double bytes, int samples) {
      this(what, system, bytes, samples, "");
    }
  }

  static final String BYTES_FULL = "sleepy full session";
  static final String BYTES_RESUMED = "sleepy resumed session";
  static final String BYTES_STEADY = "steady message with ACK";
  static final String BYTES_STEADY_NOACK = "steady message without ACK";

  final Map<String, Object> meta = new LinkedHashMap<>();
  final List<Series> series = new ArrayList<>();
  final List<Memory> memory = new ArrayList<>();
  final List<Bytes> bytes = new ArrayList<>();

  Series series(String workload, String system) {
    return series.stream()
        .filter(s -> s.workload().equals(workload) && s.system().equals(system))
        .findFirst()
        .orElse(null);
  }

  Memory memory(String system) {
    return memory.stream().filter(m -> m.system().equals(system)).findFirst().orElse(null);
  }

  Bytes bytes(String what, String system) {
    return bytes.stream()
        .filter(b -> b.what().equals(what) && b.system().equals(system))
        .findFirst()
        .orElse(null);
  }

  /** {@code slmp-<suite id>} */
  static String slmp(Suite s) {
    return "slmp-" + s.id();
  }

  static Suite suiteOf(String system) {
    return system.startsWith("slmp-") ? Suite.byId(Integer.parseInt(system.substring(5))) : null;
  }

  static String display(String system) {
    Suite s = suiteOf(system);
    if (s != null) {
      return "SLMP " + s.id() + " " + s.name();
    }
    return switch (system) {
      case TLS -> "TLS 1.3 JDK";
      case BORINGSSL -> "TLS 1.3 BoringSSL";
      case TCP -> "plain TCP";
      default -> system;
    };
  }

  JsonObject toJson(List<Targets.Verdict> verdicts) {
    JsonObject o = new JsonObject();
    meta.forEach(o::put);
    JsonArray s = new JsonArray();
    for (Series x : series) {
      JsonArray rounds = new JsonArray();
      for (Round r : x.rounds()) {
        rounds.add(
            new JsonObject()
                .put("rate", r.rate())
                .put("serverCpuUsPerOp", r.serverCpuUs())
                .put("clientCpuUsPerOp", r.clientCpuUs())
                .put("p50Ms", r.p50Ms())
                .put("p99Ms", r.p99Ms())
                .put("ops", r.ops())
                .put("errors", r.errors())
                .put("jitShare", r.jitShare()));
      }
      s.add(
          new JsonObject()
              .put("workload", x.workload())
              .put("system", x.system())
              .put("unit", x.unit())
              .put("rate", summary(x.rate()))
              .put("serverCpuUsPerOp", summary(x.serverCpu()))
              .put("clientCpuUsPerOp", summary(x.clientCpu()))
              .put("p50Ms", summary(x.p50()))
              .put("p99Ms", summary(x.p99()))
              .put("errors", x.errors())
              .put("jitShare", summary(x.jitShare()))
              .put("notes", new JsonObject(new LinkedHashMap<>(x.notes())))
              .put("rounds", rounds));
    }
    o.put("series", s);
    JsonArray m = new JsonArray();
    for (Memory x : memory) {
      m.add(
          new JsonObject()
              .put("system", x.system())
              .put("connections", x.connections())
              .put("heapBeforeBytes", x.heapBefore())
              .put("heapAfterBytes", x.heapAfter())
              .put("bytesPerConnection", Math.round(x.bytesPerConnection()))
              .put("classGrowthPerConnection", new JsonArray(new ArrayList<Object>(x.growth()))));
    }
    o.put("memory", m);
    JsonArray b = new JsonArray();
    for (Bytes x : bytes) {
      b.add(
          new JsonObject()
              .put("what", x.what())
              .put("system", x.system())
              .put("bytes", Math.round(x.bytes() * 10) / 10.0)
              .put("samples", x.samples())
              .put("breakdown", x.breakdown()));
    }
    o.put("bytes", b);
    JsonArray t = new JsonArray();
    for (Targets.Verdict v : verdicts) {
      t.add(
          new JsonObject()
              .put("target", v.target())
              .put("system", v.system())
              .put("measured", finite(v.measured()))
              .put("required", v.required())
              .put("result", v.result())
              .put("detail", v.detail()));
    }
    o.put("targets", t);
    return o;
  }

  private static JsonObject summary(Stats.Summary s) {
    return s.present()
        ? new JsonObject().put("median", s.median()).put("min", s.min()).put("max", s.max())
        : null;
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }
}
