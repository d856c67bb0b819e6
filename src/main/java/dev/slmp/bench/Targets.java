package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The targets of issue 7, checked against one run's medians. */
final class Targets {
  static final String MET = "met";
  static final String MISSED = "missed";
  static final String NOT_MEASURED = "n/a";

  /**
   * One target for one suite: what was measured (a ratio, or KB for memory) and whether it is met.
   */
  record Verdict(
      String target,
      String system,
      double measured,
      String measuredText,
      String required,
      String result,
      String detail) {}

  private Targets() {}

  static List<Verdict> evaluate(Results r, List<Suite> suites) {
    List<Verdict> out = new ArrayList<>();
    for (Suite s : suites) {
      String sys = Results.slmp(s);
      double fullNeed = s == Suite.X25519_CHACHA20POLY1305 ? 6 : 3;
      out.add(
          atLeast(
              "sleepy full sessions/s ÷ TLS 1.3 full",
              sys,
              rate(r, Results.SLEEPY_FULL, sys),
              rate(r, Results.SLEEPY_FULL, Results.TLS),
              fullNeed));
      out.add(
          atLeast(
              "sleepy resumed sessions/s ÷ TLS 1.3 resumed",
              sys,
              rate(r, Results.SLEEPY_RESUMED, sys),
              rate(r, Results.SLEEPY_RESUMED, Results.TLS),
              8));
      out.add(
          atLeast(
              "sleepy resumed sessions/s ÷ plain TCP sessions/s",
              sys,
              rate(r, Results.SLEEPY_RESUMED, sys),
              rate(r, Results.SLEEPY_FULL, Results.TCP),
              0.5));
      out.add(
          atLeast(
              "steady msgs/s with ACK (in-memory consumer) ÷ TLS 1.3 steady",
              sys,
              rate(r, Results.STEADY_ACK, sys),
              rate(r, Results.STEADY_ACK, Results.TLS),
              1.0));
      out.add(
          atLeast(
              "durable inbox msgs/s ÷ TLS 1.3 steady",
              sys,
              rate(r, Results.DURABLE, sys),
              rate(r, Results.STEADY_ACK, Results.TLS),
              0.5));
      out.add(memory(r, sys));
      out.add(
          atMost(
              "bytes per sleepy full session ÷ TLS 1.3 full",
              sys,
              bytes(r, Results.BYTES_FULL, sys),
              bytes(r, Results.BYTES_FULL, Results.TLS),
              0.2));
      out.add(
          atMost(
              "bytes per sleepy resumed session ÷ TLS 1.3 resumed",
              sys,
              bytes(r, Results.BYTES_RESUMED, sys),
              bytes(r, Results.BYTES_RESUMED, Results.TLS),
              0.2));
    }
    return out;
  }

  private static Verdict atLeast(
      String target, String sys, double value, double base, double need) {
    String required = "≥ " + ratio(need);
    if (!(value > 0) || !(base > 0)) {
      return new Verdict(
          target, sys, Double.NaN, "—", required, NOT_MEASURED, "not measured in this run");
    }
    double q = value / base;
    return new Verdict(
        target,
        sys,
        q,
        ratio(q),
        required,
        q >= need ? MET : MISSED,
        Report.number(value) + " vs " + Report.number(base));
  }

  private static Verdict atMost(String target, String sys, double value, double base, double max) {
    String required = "≤ " + ratio(max);
    if (!(value > 0) || !(base > 0)) {
      return new Verdict(
          target, sys, Double.NaN, "—", required, NOT_MEASURED, "not measured in this run");
    }
    double q = value / base;
    return new Verdict(
        target,
        sys,
        q,
        ratio(q),
        required,
        q <= max ? MET : MISSED,
        Report.number(value) + " B vs " + Report.number(base) + " B");
  }

  private static Verdict memory(Results r, String sys) {
    String target = "heap per idle connection ≤ plain TCP + 2 KB";
    Results.Memory m = r.memory(sys);
    Results.Memory tcp = r.memory(Results.TCP);
    if (m == null || tcp == null) {
      return new Verdict(
          target, sys, Double.NaN, "—", "≤ TCP + 2 KB", NOT_MEASURED, "not measured in this run");
    }
    double kb = m.bytesPerConnection() / 1024.0;
    double limit = (tcp.bytesPerConnection() + 2048) / 1024.0;
    return new Verdict(
        target,
        sys,
        kb,
        kb(kb),
        "≤ " + kb(limit),
        kb <= limit ? MET : MISSED,
        "plain TCP " + kb(tcp.bytesPerConnection() / 1024.0));
  }

  static String ratio(double q) {
    return String.format(Locale.ROOT, q >= 10 ? "%.1f×" : "%.2f×", q);
  }

  static String kb(double kb) {
    return String.format(Locale.ROOT, "%.1f KB", kb);
  }

  private static double rate(Results r, String workload, String system) {
    Results.Series s = r.series(workload, system);
    return s == null ? Double.NaN : s.rate().median();
  }

  private static double bytes(Results r, String what, String system) {
    Results.Bytes b = r.bytes(what, system);
    return b == null ? Double.NaN : b.bytes();
  }
}
