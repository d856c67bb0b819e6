package dev.slmp.bench;

import dev.slmp.crypto.Suite;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The final tables: SLMP beside TLS 1.3 with ratios, the targets of issue 7, and every series in
 * detail.
 */
final class Report {
  private Report() {}

  /** The whole report as Markdown (also what is printed to stdout). */
  static String markdown(Results r, List<Suite> suites, List<Targets.Verdict> verdicts) {
    StringBuilder b = new StringBuilder();
    b.append("# SLMP benchmark\n\n");
    for (Map.Entry<String, Object> e : r.meta.entrySet()) {
      b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    b.append(
        "\nRates are the median (min–max) of the rounds; µs CPU/op is the server process's CPU time");
    b.append(
        " (/proc/<pid>/stat utime+stime) per operation; latencies in ms (sleepy: connect to ACK; steady:");
    b.append(
        " DATA to ACK). SLMP ÷ TLS: higher is better for rates, lower for µs, bytes and heap. Server");
    b.append(
        " µs CPU/op is the headline: the load generator shares the cores, so a rate is as much the");
    b.append(
        " load generator's as the server's. Every server was warmed up until its JIT compiler threads");
    b.append(" took under 5 % of its CPU in a round (the JIT column of \"Every series\").\n\n");
    b.append("## SLMP beside TLS 1.3 (JDK SSLEngine and BoringSSL) and plain TCP\n\n")
        .append(sideBySide(r, suites))
        .append('\n');
    b.append("## Targets (issue 17; heap: issue 7)\n\n").append(targets(verdicts)).append('\n');
    b.append("## Every series\n\n").append(series(r)).append('\n');
    if (!r.memory.isEmpty()) {
      b.append("## Memory: server heap after GC\n\n").append(memory(r)).append('\n');
    }
    if (!r.bytes.isEmpty()) {
      b.append(
              "## Bytes on the wire (TCP payload, both directions, counted on the client side)\n\n")
          .append(bytes(r))
          .append('\n');
    }
    return b.toString();
  }

  /**
   * SLMP beside both TLS 1.3 engines (the JDK's SSLEngine and BoringSSL) and plain TCP, with the
   * ratios against each engine; server CPU per operation first (the headline: the load generator
   * shares the cores, so rates mostly tell how fast the load generator is).
   */
  static String sideBySide(Results r, List<Suite> suites) {
    Table t =
        new Table(
            "measure",
            "suite",
            "SLMP",
            "TLS JDK",
            "÷ JDK",
            "TLS BoringSSL",
            "÷ BoringSSL",
            "plain TCP");
    String[][] loads = {
      {Results.SLEEPY_FULL, "sleepy full", Results.SLEEPY_FULL, Results.SLEEPY_FULL},
      {Results.SLEEPY_RESUMED, "sleepy resumed", Results.SLEEPY_RESUMED, Results.SLEEPY_FULL},
      {Results.STEADY_ACK, "steady with ACK", Results.STEADY_ACK, Results.STEADY_ACK},
      {
        Results.STEADY_NOACK,
        "steady without ACK (TLS/TCP: with 1-byte ack)",
        Results.STEADY_ACK,
        Results.STEADY_ACK
      },
      {
        Results.DURABLE,
        "durable inbox (TLS/TCP: steady in memory)",
        Results.STEADY_ACK,
        Results.STEADY_ACK
      }
    };
    for (String[] l : loads) {
      if (suites.stream().noneMatch(s -> r.series(l[0], Results.slmp(s)) != null)) {
        continue;
      }
      Results.Series jdk = r.series(l[2], Results.TLS);
      Results.Series boring = r.series(l[2], Results.BORINGSSL);
      Results.Series tcp = r.series(l[3], Results.TCP);
      for (Suite s : suites) {
        Results.Series x = r.series(l[0], Results.slmp(s));
        if (x != null) {
          double v = x.serverCpu().median();
          t.row(
              l[1] + ", server µs CPU/op",
              suiteName(s),
              number(v),
              cell(jdk, y -> number(y.serverCpu().median())),
              ratio(v, median(jdk, Results.Series::serverCpu)),
              cell(boring, y -> number(y.serverCpu().median())),
              ratio(v, median(boring, Results.Series::serverCpu)),
              cell(tcp, y -> number(y.serverCpu().median())));
        }
      }
      for (Suite s : suites) {
        Results.Series x = r.series(l[0], Results.slmp(s));
        if (x != null) {
          double v = x.serverCpuNoJit().median();
          t.row(
              l[1] + ", server µs CPU/op without JIT threads",
              suiteName(s),
              number(v),
              cell(jdk, y -> number(y.serverCpuNoJit().median())),
              ratio(v, median(jdk, Results.Series::serverCpuNoJit)),
              cell(boring, y -> number(y.serverCpuNoJit().median())),
              ratio(v, median(boring, Results.Series::serverCpuNoJit)),
              cell(tcp, y -> number(y.serverCpuNoJit().median())));
        }
      }
      for (Suite s : suites) {
        Results.Series x = r.series(l[0], Results.slmp(s));
        if (x != null) {
          double v = x.rate().median();
          t.row(
              l[1] + ", " + x.unit(),
              suiteName(s),
              summary(x.rate()),
              cell(jdk, y -> summary(y.rate())),
              ratio(v, median(jdk, Results.Series::rate)),
              cell(boring, y -> summary(y.rate())),
              ratio(v, median(boring, Results.Series::rate)),
              cell(tcp, y -> summary(y.rate())));
        }
      }
      for (Suite s : suites) {
        Results.Series x = r.series(l[0], Results.slmp(s));
        if (x != null && x.p50().present()) {
          t.row(
              l[1] + ", p50 / p99 ms",
              suiteName(s),
              latency(x),
              cell(jdk, Report::latency),
              "",
              cell(boring, Report::latency),
              "",
              cell(tcp, Report::latency));
        }
      }
    }
    Results.Memory jdkMem = r.memory(Results.TLS);
    Results.Memory boringMem = r.memory(Results.BORINGSSL);
    Results.Memory tcpMem = r.memory(Results.TCP);
    for (Suite s : suites) {
      Results.Memory m = r.memory(Results.slmp(s));
      if (m != null) {
        t.row(
            "heap per idle connection, KB",
            suiteName(s),
            kb(m),
            jdkMem == null ? "—" : kb(jdkMem),
            ratio(
                m.bytesPerConnection(), jdkMem == null ? Double.NaN : jdkMem.bytesPerConnection()),
            boringMem == null ? "—" : kb(boringMem) + " (Java heap only)",
            ratio(
                m.bytesPerConnection(),
                boringMem == null ? Double.NaN : boringMem.bytesPerConnection()),
            tcpMem == null ? "—" : kb(tcpMem));
      }
    }
    String[][] byteRows = {
      {Results.BYTES_FULL, Results.BYTES_FULL},
      {Results.BYTES_RESUMED, Results.BYTES_RESUMED},
      {Results.BYTES_STEADY, Results.BYTES_STEADY},
      {Results.BYTES_STEADY_NOACK, Results.BYTES_STEADY}
    };
    for (String[] w : byteRows) {
      Results.Bytes jdk = r.bytes(w[1], Results.TLS);
      Results.Bytes boring = r.bytes(w[1], Results.BORINGSSL);
      Results.Bytes tcp =
          r.bytes(w[1].equals(Results.BYTES_RESUMED) ? Results.BYTES_FULL : w[1], Results.TCP);
      for (Suite s : suites) {
        Results.Bytes x = r.bytes(w[0], Results.slmp(s));
        if (x != null) {
          t.row(
              "bytes per " + w[0] + (w[0].equals(w[1]) ? "" : " (TLS/TCP: with ack)"),
              suiteName(s),
              number(x.bytes()),
              jdk == null ? "—" : number(jdk.bytes()),
              ratio(x.bytes(), jdk == null ? Double.NaN : jdk.bytes()),
              boring == null ? "—" : number(boring.bytes()),
              ratio(x.bytes(), boring == null ? Double.NaN : boring.bytes()),
              tcp == null ? "—" : number(tcp.bytes()));
        }
      }
    }
    return t.render();
  }

  private static String cell(
      Results.Series s, java.util.function.Function<Results.Series, String> f) {
    return s == null ? "—" : f.apply(s);
  }

  private static double median(
      Results.Series s, java.util.function.Function<Results.Series, Stats.Summary> f) {
    return s == null ? Double.NaN : f.apply(s).median();
  }

  static String targets(List<Targets.Verdict> verdicts) {
    Table t = new Table("target", "suite", "measured", "required", "result", "detail");
    for (Targets.Verdict v : verdicts) {
      Suite s = Results.suiteOf(v.system());
      t.row(
          v.target(),
          s == null ? v.system() : suiteName(s),
          v.measuredText(),
          v.required(),
          v.result().equals(Targets.MET)
              ? "met"
              : v.result().equals(Targets.MISSED) ? "**MISSED**" : v.result(),
          v.detail());
    }
    return t.render();
  }

  static String series(Results r) {
    Table t =
        new Table(
            "workload",
            "system",
            "rate median (min–max)",
            "server µs CPU/op",
            "client µs CPU/op",
            "p50 ms",
            "p99 ms",
            "JIT % of server CPU",
            "rounds",
            "errors",
            "notes");
    for (Results.Series x : r.series) {
      StringBuilder notes = new StringBuilder();
      x.notes()
          .forEach(
              (k, v) ->
                  notes.append(notes.length() == 0 ? "" : "; ").append(k).append(' ').append(v));
      t.row(
          x.workload(),
          Results.display(x.system()),
          summary(x.rate()) + " " + x.unit(),
          summary(x.serverCpu()),
          number(x.clientCpu().median()),
          x.p50().present() ? number(x.p50().median()) : "—",
          x.p99().present() ? number(x.p99().median()) : "—",
          percent(x.jitShare()),
          Integer.toString(x.rounds().size()),
          Long.toString(x.errors()),
          notes.toString());
    }
    return t.render();
  }

  static String memory(Results r) {
    Table t =
        new Table(
            "system", "idle connections", "heap before, MB", "heap after, MB", "per connection");
    for (Results.Memory m : r.memory) {
      t.row(
          Results.display(m.system()),
          Integer.toString(m.connections()),
          number(m.heapBefore() / 1048576.0),
          number(m.heapAfter() / 1048576.0),
          kb(m));
    }
    StringBuilder b = new StringBuilder(t.render());
    for (Results.Memory m : r.memory) {
      if (!m.growth().isEmpty()) {
        b.append("\nWhat one idle connection adds on the ")
            .append(Results.display(m.system()))
            .append(" server (jcmd GC.class_histogram, after − before, per connection; top ")
            .append(Math.min(12, m.growth().size()))
            .append("):\n\n```\n");
        m.growth().stream().limit(12).forEach(l -> b.append(l).append('\n'));
        b.append("```\n");
      }
    }
    return b.toString();
  }

  static String bytes(Results r) {
    Table t =
        new Table(
            "what", "system", "bytes", "samples", "SLMP frames (bytes each, header included)");
    for (Results.Bytes x : r.bytes) {
      t.row(
          x.what(),
          Results.display(x.system()),
          number(x.bytes()),
          Integer.toString(x.samples()),
          x.breakdown());
    }
    return t.render();
  }

  static String suiteName(Suite s) {
    return s.id() + " " + s.name();
  }

  /** {@code median (min–max)}, or — when nothing was measured. */
  static String summary(Stats.Summary s) {
    if (!s.present()) {
      return "—";
    }
    if (s.min() == s.max()) {
      return number(s.median());
    }
    return number(s.median()) + " (" + number(s.min()) + "–" + number(s.max()) + ")";
  }

  /** A share as {@code 1.2 % (0.4–3.1)}: median (min–max) of the rounds. */
  static String percent(Stats.Summary s) {
    if (!s.present()) {
      return "—";
    }
    String m = String.format(Locale.ROOT, "%.1f", 100 * s.median());
    return s.min() == s.max()
        ? m
        : m + String.format(Locale.ROOT, " (%.1f–%.1f)", 100 * s.min(), 100 * s.max());
  }

  static String ratio(double a, double b) {
    return a > 0 && b > 0 && Double.isFinite(a / b) ? Targets.ratio(a / b) : "—";
  }

  static String latency(Results.Series s) {
    return s.p50().present() ? number(s.p50().median()) + " / " + number(s.p99().median()) : "—";
  }

  static String kb(Results.Memory m) {
    return String.format(Locale.ROOT, "%.1f", m.bytesPerConnection() / 1024.0);
  }

  /** Three significant figures or so, with thousands separators: 14,172 · 589 · 31.5 · 2.06. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A Markdown table whose columns are padded, so it also reads well on a terminal. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    String render() {
      int cols = rows.get(0).length;
      int[] w = new int[cols];
      for (String[] r : rows) {
        for (int i = 0; i < cols; i++) {
          w[i] = Math.max(w[i], cell(r, i).codePointCount(0, cell(r, i).length()));
        }
      }
      StringBuilder b = new StringBuilder();
      for (int n = 0; n < rows.size(); n++) {
        line(b, rows.get(n), w);
        if (n == 0) {
          String[] rule = new String[cols];
          for (int i = 0; i < cols; i++) {
            rule[i] = "-".repeat(Math.max(3, w[i]));
          }
          line(b, rule, w);
        }
      }
      return b.toString();
    }

    private static void line(StringBuilder b, String[] r, int[] w) {
      b.append('|');
      for (int i = 0; i < w.length; i++) {
        String c = cell(r, i);
        b.append(' ')
            .append(c)
            .append(" ".repeat(Math.max(0, w[i] - c.codePointCount(0, c.length()))))
            .append(" |");
      }
      b.append('\n');
    }

    private static String cell(String[] r, int i) {
      return i < r.length && r[i] != null ? r[i].replace("|", "\\|") : "";
    }
  }
}
