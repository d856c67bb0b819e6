package dev.slmp.bench;

import dev.slmp.cli.Command;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code bench}: SLMP against TLS 1.3 and plain TCP on this machine, in one run (issue 7). The
 * servers run as child processes of this command: {@code bench server} (an SLMP node plus an
 * in-memory consumer, or the durable inbox) and {@code bench baseline-server --tls|--tcp} (a Vert.x
 * NetServer).
 */
public final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String usage() {
    return BenchOptions.USAGE
        + "   (writes target/bench/results.md and results.json)"
        + "\n       java -jar slmp-fat.jar bench hot FILE.jfr [--top N]   (hot methods of a --jfr recording)"
        + "\n       java -jar slmp-fat.jar bench kafka [--quick]   (durable vs Kafka sink; starts a local broker)"
        + "\n       java -jar slmp-fat.jar bench scale [--only idle,store,steady,cluster] [--idle 1000,10000,100000]"
        + " [--steady 100,1000,10000] [--sessions 1000000] [--cluster 3] [--rounds 3]   (scripts/scale.sh)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (!args.isEmpty()) {
      List<String> rest = args.subList(1, args.size());
      switch (args.get(0)) {
        case "server", "bench-server" -> {
          return BenchServer.run(rest, out, err);
        }
        case "baseline-server", "bench-baseline-server" -> {
          return BaselineServer.run(rest, out, err);
        }
        case "kafka" -> {
          try {
            return KafkaBench.run(rest, out, err);
          } catch (Exception e) {
            err.println("error: the Kafka benchmark failed: " + e);
            return 1;
          }
        }
        case "hot" -> {
          return JfrHotspots.run(rest, out, err);
        }
        case "scale" -> {
          return ScaleRunner.run(rest, out, err);
        }
        case "store-probe" -> {
          try {
            return StoreProbe.run(rest, out, err);
          } catch (Exception e) {
            err.println("error: the store probe failed: " + e);
            return 1;
          }
        }
        default -> {
          // the load generator
        }
      }
    }
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("usage: java -jar slmp-fat.jar " + BenchOptions.USAGE);
      return 2;
    }
    try {
      return new BenchRunner(o, out).run();
    } catch (Exception e) {
      err.println("error: the benchmark failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }
}
