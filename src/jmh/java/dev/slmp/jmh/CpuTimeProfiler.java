package dev.slmp.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time and heap allocation of the benchmark's own thread(s) per operation, the figures that
 * survive a shared, noisy machine (wall-clock time per op grows with every other process that wants
 * the cores; the CPU a thread used does not). Work the {@link Pool}s do to prepare inputs before an
 * iteration is subtracted, so the figures cover the measured calls only (plus JMH's loop). GC
 * threads are not counted: see {@code -prof gc}.
 *
 * <p>Use: {@code java -jar target/slmp-jmh.jar -prof dev.slmp.jmh.CpuTimeProfiler}. Adds {@code
 * cpu.thread} in the benchmark's time unit per op and {@code alloc.thread} in B/op.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private static final AtomicLong EXCLUDED_CPU = new AtomicLong();
  private static final AtomicLong EXCLUDED_ALLOC = new AtomicLong();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Map<Long, long[]> before = new HashMap<>();

  /**
   * The set-up CPU and allocation of the calling (worker) thread to leave out of the current
   * iteration.
   */
  static void exclude(long cpuNanos, long allocatedBytes) {
    EXCLUDED_CPU.addAndGet(cpuNanos);
    EXCLUDED_ALLOC.addAndGet(allocatedBytes);
  }

  static long currentThreadCpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  static long currentThreadAllocated() {
    return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Override
  public String getDescription() {
    return "CPU time and allocation of the benchmark thread per op (input preparation excluded)";
  }

  private static Map<Long, long[]> workers() {
    Map<Long, long[]> m = new HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    List<Long> workerIds = new ArrayList<>();
    for (ThreadInfo ti : infos) {
      if (ti != null && ti.getThreadName().contains("jmh-worker")) {
        workerIds.add(ti.getThreadId());
      }
    }
    for (long id : workerIds) {
      m.put(id, new long[] {THREADS.getThreadCpuTime(id), THREADS.getThreadAllocatedBytes(id)});
    }
    return m;
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    EXCLUDED_CPU.set(0);
    EXCLUDED_ALLOC.set(0);
    before = workers();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = 0;
    long alloc = 0;
    for (Map.Entry<Long, long[]> e : workers().entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[] {0, 0});
      cpu += e.getValue()[0] - b[0];
      alloc += e.getValue()[1] - b[1];
    }
    cpu -= EXCLUDED_CPU.get();
    alloc -= EXCLUDED_ALLOC.get();
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0) {
      return List.of();
    }
    TimeUnit unit = benchmarkParams.getTimeUnit();
    double perOp = (double) cpu / ops / TimeUnit.NANOSECONDS.convert(1, unit);
    return List.of(
        new ScalarResult("cpu.thread", perOp, shortName(unit) + "/op", AggregationPolicy.AVG),
        new ScalarResult("alloc.thread", (double) alloc / ops, "B/op", AggregationPolicy.AVG));
  }

  private static String shortName(TimeUnit u) {
    switch (u) {
      case NANOSECONDS:
        return "ns";
      case MICROSECONDS:
        return "us";
      case MILLISECONDS:
        return "ms";
      default:
        return u.name().toLowerCase();
    }
  }
}
