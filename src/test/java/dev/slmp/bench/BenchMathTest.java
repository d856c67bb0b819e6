package dev.slmp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Suite;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pure parts of the benchmark: statistics, /proc parsing, options, targets and the report. */
class BenchMathTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3.0, Stats.median(new double[] {1, 3, 9}));
    assertEquals(4.0, Stats.median(new double[] {1, 3, 5, 100}));
    assertTrue(Double.isNaN(Stats.median(new double[0])));
    Stats.Summary s = Stats.summarize(List.of(5.0, 1.0, 4.0, 2.0, 3.0));
    assertEquals(new Stats.Summary(3.0, 1.0, 5.0), s);
    assertFalse(Stats.summarize(List.of()).present());
  }

  @Test
  void nearestRankPercentiles() {
    long[] v = new long[100];
    for (int i = 0; i < 100; i++) {
      v[i] = i + 1; // 1..100
    }
    assertEquals(50, Stats.percentile(v, 50));
    assertEquals(99, Stats.percentile(v, 99));
    assertEquals(100, Stats.percentile(v, 100));
    assertEquals(1, Stats.percentile(v, 0));
    assertEquals(7, Stats.percentile(new long[] {7}, 99));
    assertEquals(20, Stats.percentile(new long[] {10, 20, 30}, 50));
    assertEquals(-1, Stats.percentile(new long[0], 50));
  }

  @Test
  void latencyRecorderSortsAndEmpties() {
    LatencyRecorder r = new LatencyRecorder();
    for (int i = 40_000; i > 0; i--) {
      r.record(i);
    }
    long[] s = r.drainSorted();
    assertEquals(40_000, s.length);
    assertEquals(1, s[0]);
    assertEquals(40_000, s[s.length - 1]);
    assertEquals(0, r.drainSorted().length);
  }

  @Test
  void procStatUserPlusSystemTicks() {
    String line =
        "12345 (java) S 1 12345 12345 0 -1 4194560 51234 0 12 0 731 209 0 0 20 0 38 0 123456 9000000000 100000";
    assertEquals(731 + 209, ProcStat.cpuTicks(line));
    // A command name with spaces and parentheses: fields resume after the last ')'.
    String odd = "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 1 1";
    assertEquals(11, ProcStat.cpuTicks(odd));
    assertThrows(IllegalArgumentException.class, () -> ProcStat.cpuTicks("garbage"));
  }

  @Test
  void procStatOfThisProcessGrows() {
    long pid = ProcessHandle.current().pid();
    long a = ProcStat.cpuNanos(pid);
    assertTrue(a > 0);
    assertTrue(ProcStat.ticksPerSecond() > 0);
  }

  @Test
  void optionsQuickDefaultsAndOverrides() throws Exception {
    BenchOptions full = BenchOptions.parse(List.of());
    assertEquals(5, full.rounds());
    assertEquals(10_000, full.memoryConnections());
    BenchOptions quick =
        BenchOptions.parse(
            List.of("--quick", "--rounds", "7", "--only", "steady,bytes", "--suites", "3,1"));
    assertTrue(quick.quick());
    assertEquals(7, quick.rounds());
    assertEquals(List.of(Suite.X25519_CHACHA20POLY1305, Suite.P256_FERNET), quick.suites());
    assertTrue(
        quick.wants(Results.STEADY_ACK)
            && quick.wants(Results.STEADY_NOACK)
            && quick.wants(Results.BYTES));
    assertFalse(quick.wants(Results.MEMORY));
    BenchOptions none =
        BenchOptions.parse(List.of("--warmup", "0", "--duration=250ms", "--baselines", "none"));
    assertEquals(0, none.warmupNanos());
    assertEquals(0, none.warmupEachNanos());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(250), none.durationNanos());
    assertTrue(none.baselines().isEmpty());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), BenchOptions.duration("x", "1.5s"));
    assertEquals(TimeUnit.MINUTES.toNanos(2), BenchOptions.duration("x", "2m"));
    assertThrows(
        BenchOptions.UsageException.class, () -> BenchOptions.parse(List.of("--only", "nap")));
    assertThrows(
        BenchOptions.UsageException.class, () -> BenchOptions.parse(List.of("--suites", "4")));
    assertThrows(
        BenchOptions.UsageException.class, () -> BenchOptions.parse(List.of("--duration", "soon")));
  }

  @Test
  void numbersAndRatiosAsPrinted() {
    assertEquals("14,172", Report.number(14_172.4));
    assertEquals("589", Report.number(588.6));
    assertEquals("31.5", Report.number(31.46));
    assertEquals("2.06", Report.number(2.064));
    assertEquals("—", Report.number(Double.NaN));
    assertEquals("7.15×", Targets.ratio(7.149));
    assertEquals("12.0×", Targets.ratio(12.04));
    assertEquals("—", Report.ratio(1, 0));
    assertEquals("100 (90.0–120)", Report.summary(new Stats.Summary(100, 90, 120)));
  }

  /** A synthetic run: one suite meets everything, another misses, a third is not measured. */
  private static Results sample() {
    Results r = new Results();
    series(r, Results.SLEEPY_FULL, Results.TLS, 600, 1000);
    series(r, Results.SLEEPY_RESUMED, Results.TLS, 1200, 480);
    series(r, Results.STEADY_ACK, Results.TLS, 100_000, 6);
    series(r, Results.SLEEPY_FULL, Results.BORINGSSL, 1500, 600);
    series(r, Results.SLEEPY_RESUMED, Results.BORINGSSL, 1600, 500);
    series(r, Results.STEADY_ACK, Results.BORINGSSL, 90_000, 8);
    series(r, Results.SLEEPY_FULL, Results.TCP, 10_000, 30);
    String good = Results.slmp(Suite.X25519_CHACHA20POLY1305);
    series(r, Results.SLEEPY_FULL, good, 4_200, 240); // 0.40× BoringSSL ≤ 0.5×
    series(r, Results.SLEEPY_RESUMED, good, 9_700, 50); // 0.10× BoringSSL, 0.97× TCP
    series(r, Results.STEADY_ACK, good, 120_000, 5); // 0.625× BoringSSL, 0.83× JDK
    series(r, Results.DURABLE, good, 61_000, 9); // 0.61× JDK steady
    String bad = Results.slmp(Suite.P256_FERNET);
    series(r, Results.SLEEPY_FULL, bad, 1_700, 660); // 1.10× BoringSSL > 1.0×
    series(r, Results.STEADY_ACK, bad, 90_000, 7); // 0.875× BoringSSL > 0.8×, 1.17× JDK
    r.memory.add(new Results.Memory(Results.TCP, 1000, 10_000_000, 17_000_000)); // 7,000 B
    r.memory.add(new Results.Memory(good, 1000, 10_000_000, 18_000_000)); // 8,000 B ≤ 9,048
    r.memory.add(new Results.Memory(bad, 1000, 10_000_000, 20_000_000)); // 10,000 B > 9,048
    r.bytes.add(new Results.Bytes(Results.BYTES_FULL, Results.TLS, 2000, 20));
    r.bytes.add(new Results.Bytes(Results.BYTES_FULL, Results.BORINGSSL, 3700, 20));
    r.bytes.add(new Results.Bytes(Results.BYTES_FULL, good, 330, 20)); // 0.09×
    r.bytes.add(new Results.Bytes(Results.BYTES_FULL, bad, 1000, 20)); // 0.27× > 0.25×
    return r;
  }

  private static void series(Results r, String workload, String system, double rate, double cpu) {
    Results.Series s =
        new Results.Series(
            workload, system, workload.startsWith("sleepy") ? "sessions/s" : "msgs/s");
    s.rounds().add(new Results.Round(rate * 0.9, cpu, 10, 2, 5, 100, 0, 0.01));
    s.rounds().add(new Results.Round(rate, cpu, 10, 2, 5, 100, 0, 0.01));
    s.rounds().add(new Results.Round(rate * 1.1, cpu, 10, 2, 5, 100, 0, 0.01));
    r.series.add(s);
  }

  private static Targets.Verdict verdict(List<Targets.Verdict> vs, String target, Suite s) {
    return vs.stream()
        .filter(v -> v.target().startsWith(target) && v.system().equals(Results.slmp(s)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void targetsMetMissedAndNotMeasured() {
    List<Suite> suites = List.of(Suite.P256_FERNET, Suite.X25519_CHACHA20POLY1305);
    List<Targets.Verdict> v = Targets.evaluate(sample(), suites);
    Suite good = Suite.X25519_CHACHA20POLY1305;
    Suite bad = Suite.P256_FERNET;
    assertEquals(Targets.MET, verdict(v, "sleepy full", good).result());
    assertEquals("0.40×", verdict(v, "sleepy full", good).measuredText());
    assertEquals("≤ 0.50×", verdict(v, "sleepy full", good).required());
    assertEquals("≤ 1.00×", verdict(v, "sleepy full", bad).required()); // P-256: ≤ 1.0×
    assertEquals(Targets.MISSED, verdict(v, "sleepy full", bad).result()); // 1.10×
    assertEquals(Targets.MET, verdict(v, "sleepy resumed, server µs", good).result());
    assertEquals(Targets.MET, verdict(v, "sleepy resumed sessions/s ÷ plain TCP", good).result());
    assertEquals(Targets.NOT_MEASURED, verdict(v, "sleepy resumed, server µs", bad).result());
    assertEquals(
        Targets.MET,
        verdict(v, "steady with ACK (in-memory consumer), server µs/msg ÷ BoringSSL", good)
            .result());
    assertEquals(
        Targets.MET,
        verdict(v, "steady with ACK (in-memory consumer), server µs/msg ÷ JDK", good).result());
    assertEquals(
        Targets.MISSED,
        verdict(v, "steady with ACK (in-memory consumer), server µs/msg ÷ BoringSSL", bad)
            .result());
    assertEquals(
        Targets.MISSED,
        verdict(v, "steady with ACK (in-memory consumer), server µs/msg ÷ JDK", bad).result());
    assertEquals(Targets.MET, verdict(v, "durable", good).result()); // 0.61×
    assertEquals(Targets.MET, verdict(v, "heap", good).result());
    assertEquals(Targets.MISSED, verdict(v, "heap", bad).result());
    assertEquals(Targets.MET, verdict(v, "bytes per sleepy full", good).result());
    assertEquals(Targets.MISSED, verdict(v, "bytes per sleepy full", bad).result());
    assertEquals(Targets.NOT_MEASURED, verdict(v, "bytes per sleepy resumed", good).result());
  }

  @Test
  void jitShareFromThreadTicks() {
    Map<String, long[]> before = Map.of("all", new long[] {100, 10}, "JIT", new long[] {40, 0});
    Map<String, long[]> after = Map.of("all", new long[] {290, 20}, "JIT", new long[] {50, 0});
    assertEquals(10 / 200.0, BenchRunner.jitShare(before, after), 1e-9);
    assertEquals(-1, BenchRunner.jitShare(before, before));
    assertEquals(
        7, BenchRunner.statValue("connections=9 resumed=7 group=X25519MLKEM768", "resumed"));
    assertEquals(-1, BenchRunner.statValue("connections=9", "resumed"));
  }

  @Test
  void reportPutsSlmpBesideTlsWithRatiosAndVerdicts() {
    Results r = sample();
    r.meta.put("date", "2026-11-26T00:00:00Z");
    List<Suite> suites = List.of(Suite.P256_FERNET, Suite.X25519_CHACHA20POLY1305);
    List<Targets.Verdict> v = Targets.evaluate(r, suites);
    String md = Report.markdown(r, suites, v);
    assertTrue(md.contains("| sleepy full, sessions/s"), md);
    assertTrue(md.contains("| 3 X25519_CHACHA20POLY1305 | 4,200 (3,780–4,620)"), md);
    assertTrue(md.contains("| 600 (540–660)"), md);
    assertTrue(md.contains("| 7.00×"), md); // sessions/s ÷ JDK
    assertTrue(md.contains("| 0.40×"), md); // server µs ÷ BoringSSL
    assertTrue(md.contains("TLS BoringSSL"), md);
    assertTrue(md.contains("**MISSED**"), md);
    assertTrue(md.contains("| met "), md);
    assertTrue(md.contains("heap per idle connection, KB"), md);
    // Every table line of the side-by-side table has the same number of cells.
    String side = Report.sideBySide(r, suites);
    long cells = side.lines().findFirst().orElseThrow().chars().filter(c -> c == '|').count();
    assertTrue(side.lines().allMatch(l -> l.chars().filter(c -> c == '|').count() == cells), side);
    JsonObject json = r.toJson(v);
    assertEquals(
        4200.0,
        json.getJsonArray("series").getJsonObject(7).getJsonObject("rate").getDouble("median"));
    assertEquals(8000, json.getJsonArray("memory").getJsonObject(1).getLong("bytesPerConnection"));
    assertTrue(
        json.getJsonArray("targets").stream()
            .map(o -> ((JsonObject) o).getString("result"))
            .toList()
            .containsAll(List.of(Targets.MET, Targets.MISSED, Targets.NOT_MEASURED)));
  }

  @Test
  void tableEscapesPipesAndPadsColumns() {
    Report.Table t = new Report.Table("a", "bb");
    t.row("x|y", "z");
    String s = t.render();
    assertTrue(s.contains("x\\|y"), s);
    assertEquals(3, s.lines().count());
  }
}
