package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The targets of issues 17 and 7, checked against one run's medians. */
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

  /**
   * The targets of issue 17 (item 3), server CPU per operation against BoringSSL and the JDK's TLS,
   * plus the heap target of issue 7.
   */
  static List<Verdict> evaluate(Results r, List<Suite> suites) {
    List<Verdict> out = new ArrayList<>();
    for (Suite s : suites) {
      String sys = Results.slmp(s);
      double fullMax = s == Suite.X25519_CHACHA20POLY1305 ? 0.5 : 1.0;
      out.add(
          atMost(
              "sleepy full, server µs/session ÷ BoringSSL full",
              sys,
              cpu(r, Results.SLEEPY_FULL, sys),
              cpu(r, Results.SLEEPY_FULL, Results.BORINGSSL),
              fullMax,
              " µs"));
      out.add(
          atMost(
              "sleepy resumed, server µs/session ÷ BoringSSL resumed",
              sys,
              cpu(r, Results.SLEEPY_RESUMED, sys),
              cpu(r, Results.SLEEPY_RESUMED, Results.BORINGSSL),
              0.2,
              " µs"));
      out.add(
          atLeast(
              "sleepy resumed sessions/s ÷ plain TCP sessions/s",
              sys,
              rate(r, Results.SLEEPY_RESUMED, sys),
              rate(r, Results.SLEEPY_FULL, Results.TCP),
              0.6));
      out.add(
          atMost(
              "steady with ACK (in-memory consumer), server µs/msg ÷ BoringSSL",
              sys,
              cpu(r, Results.STEADY_ACK, sys),
              cpu(r, Results.STEADY_ACK, Results.BORINGSSL),
              0.8,
              " µs"));
      out.add(
          atMost(
              "steady with ACK (in-memory consumer), server µs/msg ÷ JDK TLS",
              sys,
              cpu(r, Results.STEADY_ACK, sys),
              cpu(r, Results.STEADY_ACK, Results.TLS),
              1.0,
              " µs"));
      out.add(
          atLeast(
              "durable inbox msgs/s ÷ JDK TLS steady msgs/s",
              sys,
              rate(r, Results.DURABLE, sys),
              rate(r, Results.STEADY_ACK, Results.TLS),
              0.6));
      out.add(
          atMost(
              "bytes per sleepy full session ÷ BoringSSL full",
              sys,
              bytes(r, Results.BYTES_FULL, sys),
              bytes(r, Results.BYTES_FULL, Results.BORINGSSL),
              0.25,
              " B"));
      out.add(
          atMost(
              "bytes per sleepy resumed session ÷ BoringSSL resumed",
              sys,
              bytes(r, Results.BYTES_RESUMED, sys),
              bytes(r, Results.BYTES_RESUMED, Results.BORINGSSL),
              0.25,
              " B"));
      out.add(memory(r, sys));
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

  private static Verdict atMost(
      String target, String sys, double value, double base, double max, String unit) {
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
        Report.number(value) + unit + " vs " + Report.number(base) + unit);
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

  private static double cpu(Results r, String workload, String system) {
    Results.Series s = r.series(workload, system);
    return s == null ? Double.NaN : s.serverCpu().median();
  }

  private static double bytes(Results r, String what, String system) {
    Results.Bytes b = r.bytes(what, system);
    return b == null ? Double.NaN : b.bytes();
  }
}
