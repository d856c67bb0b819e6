package dev.slmp.fuzz;

import dev.slmp.crypto.Bytes;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs cases {@code [from, from + count)} of a seed and compares each with its model; also the long
 * run's entry point ({@code scripts/fuzz.sh}). Every case derives from {@code (seed, index)} alone,
 * so a mismatch is replayed with {@code scripts/fuzz.sh --seed S --case N}, which prints the case,
 * the stream, the expected and the actual answer.
 */
public final class FuzzRunner {
  /**
   * Totals of one run; {@code outcomes} counts how cases ended (CLOSE codes, peer CLOSE, still
   * open).
   */
  public record Result(
      long cases, long mismatches, double seconds, double cpuSeconds, Map<String, Long> outcomes) {
    double casesPerSecond() {
      return cases / Math.max(seconds, 1e-9);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d cases in %.1f s (%.0f cases/s; %.1f s CPU, %.0f cases per CPU second), "
              + "%d mismatches; outcomes %s",
          cases,
          seconds,
          casesPerSecond(),
          cpuSeconds,
          cases / Math.max(cpuSeconds, 1e-9),
          mismatches,
          outcomes);
    }
  }

  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private final FuzzWorld world;

  public FuzzRunner() {
    this.world = new FuzzWorld();
  }

  public Result run(long seed, long from, long count, Consumer<String> mismatch) {
    long start = System.nanoTime();
    long cpuStart = CPU.getCurrentThreadCpuTime();
    long bad = 0;
    Map<String, Long> outcomes = new TreeMap<>();
    for (long i = from; i < from + count; i++) {
      FuzzCase c = build(seed, i);
      FuzzExpect e = expect(c);
      FuzzTarget.Actual a = FuzzTarget.run(c, world);
      String problem = FuzzCompare.problem(c, world, e, a);
      String outcome =
          e.peerClosed ? "peer CLOSE" : e.closedBySelf() ? String.valueOf(a.closeCode) : "open";
      outcomes.merge(c.serverSide() ? "server " + outcome : "device " + outcome, 1L, Long::sum);
      if (problem != null) {
        bad++;
        mismatch.accept(
            "MISMATCH seed "
                + seed
                + " case "
                + i
                + ": "
                + problem
                + "\n  "
                + c.describe()
                + "\n  replay: scripts/fuzz.sh --seed "
                + seed
                + " --case "
                + i);
      }
    }
    return new Result(
        count,
        bad,
        (System.nanoTime() - start) / 1e9,
        (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e9,
        outcomes);
  }

  FuzzWorld world() {
    return world;
  }

  FuzzCase build(long seed, long index) {
    FuzzCase c = new FuzzCase(seed, index, world);
    FuzzFlights.build(c, world);
    FuzzMutator.mutate(c, world);
    return c;
  }

  FuzzExpect expect(FuzzCase c) {
    return c.serverSide() ? ServerModel.expect(c, world) : DeviceModel.expect(c);
  }

  /** Prints everything about one case. */
  String explain(long seed, long index) {
    FuzzCase c = build(seed, index);
    FuzzExpect e = expect(c);
    FuzzTarget.Actual a = FuzzTarget.run(c, world);
    StringBuilder sb = new StringBuilder();
    sb.append("seed ")
        .append(seed)
        .append(" case ")
        .append(index)
        .append(": ")
        .append(c.describe())
        .append('\n');
    sb.append("reads ").append(Arrays.toString(c.reads)).append('\n');
    sb.append("stream ").append(Bytes.hex(c.stream)).append('\n');
    sb.append("expected ").append(FuzzCompare.show(e)).append('\n');
    sb.append("actual   ")
        .append(Bytes.hex(a.written.toByteArray()))
        .append(" closes ")
        .append(a.closes)
        .append(" delivered ")
        .append(a.delivered.size())
        .append(a.thrown != null ? " threw " + a.thrown : "")
        .append('\n');
    String problem = FuzzCompare.problem(c, world, e, a);
    sb.append(problem == null ? "OK" : "MISMATCH: " + problem);
    if (a.thrown != null) {
      java.io.StringWriter sw = new java.io.StringWriter();
      a.thrown.printStackTrace(new java.io.PrintWriter(sw));
      sb.append('\n').append(sw);
    }
    return sb.toString();
  }

  /** {@code [--seed S] [--cases N] [--case N]}: the long run, or one case explained. */
  public static void main(String[] args) {
    long seed = System.currentTimeMillis();
    long cases = 1_000_000;
    long one = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--cases" -> cases = Long.parseLong(args[++i]);
        case "--case" -> one = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: fuzz.sh [--seed S] [--cases N] [--case N]");
          System.exit(2);
        }
      }
    }
    FuzzRunner runner = new FuzzRunner();
    if (one >= 0) {
      String out = runner.explain(seed, one);
      System.out.println(out);
      System.exit(out.contains("MISMATCH") ? 1 : 0);
    }
    System.out.printf("fuzz: seed %d, %d cases%n", seed, cases);
    long done = 0;
    long bad = 0;
    double seconds = 0;
    double cpu = 0;
    Map<String, Long> outcomes = new TreeMap<>();
    long batch = 100_000;
    while (done < cases) {
      long n = Math.min(batch, cases - done);
      Result r = runner.run(seed, done, n, System.out::println);
      done += n;
      bad += r.mismatches();
      seconds += r.seconds();
      cpu += r.cpuSeconds();
      r.outcomes().forEach((k, v) -> outcomes.merge(k, v, Long::sum));
      System.out.printf(
          Locale.ROOT, "  %d cases, %.0f cases/s, %d mismatches%n", done, done / seconds, bad);
    }
    System.out.println("fuzz: " + new Result(done, bad, seconds, cpu, outcomes));
    System.exit(bad == 0 ? 0 : 1);
  }
}
