package dev.slmp.bench;

import dev.slmp.cli.Command;
import dev.slmp.cli.SlmpVersion;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench}: SLMP against TLS 1.3 and plain TCP on this machine, in one run (issue 7). The
 * servers run as child processes of this command: {@code bench server} (an SLMP node plus an
 * in-memory consumer, or the durable inbox) and {@code bench baseline-server --tls|--tcp} (a Vert.x
 * NetServer). Its options are parsed by {@link BenchOptions} (errors name the option); picocli
 * gives it {@code --help} and its place among the fat jar's commands.
 */
@CommandLine.Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = SlmpVersion.class,
    customSynopsis = {"java -jar slmp-fat.jar " + BenchOptions.USAGE},
    description = {
      "SLMP against TLS 1.3 and plain TCP on this machine, in one run; writes"
          + " OUT/results.md and results.json (OUT: target/bench).",
      "--quick changes the defaults (explicit options still win); durations: 1500ms, 2s, 1m.",
      "'bench hot FILE.jfr [--top N]' lists the hot methods of a --jfr recording.",
      "'bench kafka [--quick]': durable inbox vs the Kafka sink (starts a local broker).",
      "'bench scale ...': connections, stored sessions and a cluster at scale (scripts/scale.sh)."
    },
    subcommands = {
      BenchCommand.Hot.class,
      BenchCommand.Kafka.class,
      BenchCommand.Scale.class,
      BenchCommand.Server.class,
      BenchCommand.Baseline.class,
      BenchCommand.StoreProbeCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the benchmark failed", "2:usage error"})
public final class BenchCommand extends Command {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
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

  @CommandLine.Command(
      name = "hot",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      customSynopsis = {"java -jar slmp-fat.jar bench hot FILE.jfr [--top N]"},
      description = {"The N (default 25) hottest methods of a recording made with bench --jfr."})
  static final class Hot extends Command {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      return JfrHotspots.run(args, out, err);
    }
  }

  @CommandLine.Command(
      name = "server",
      aliases = "bench-server",
      hidden = true,
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      customSynopsis = {
        "java -jar slmp-fat.jar bench server --data DIR --port P [--threads N] [--durable]"
      },
      description = {"The benchmark's SLMP node (a child process of bench)."})
  static final class Server extends Command {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      return BenchServer.run(args, out, err);
    }
  }

  @CommandLine.Command(
      name = "baseline-server",
      aliases = "bench-baseline-server",
      hidden = true,
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      customSynopsis = {
        "java -jar slmp-fat.jar bench baseline-server --tls --keystore P12 [--password PW]"
            + " | --tcp, --port P [--threads N]"
      },
      description = {"The benchmark's TLS or TCP baseline server (a child process of bench)."})
  static final class Baseline extends Command {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      return BaselineServer.run(args, out, err);
    }
  }

  @CommandLine.Command(
      name = "kafka",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      customSynopsis = {"java -jar slmp-fat.jar bench kafka [--quick]"},
      description = {
        "Messages/s with ACK: the durable inbox against the Kafka sink (a local broker)."
      })
  static final class Kafka extends Command {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      try {
        return KafkaBench.run(args, out, err);
      } catch (Exception e) {
        err.println("error: the Kafka benchmark failed: " + e);
        return 1;
      }
    }
  }

  @CommandLine.Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      customSynopsis = {
        "java -jar slmp-fat.jar bench scale [--only idle,store,steady,cluster]"
            + " [--idle 1000,10000,100000] [--steady 100,1000,10000] [--sessions 1000000]"
            + " [--cluster 3] [--rounds 3]"
      },
      description = {"Idle connections, stored sessions, steady load and a cluster at scale."})
  static final class Scale extends Command {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      return ScaleRunner.run(args, out, err);
    }
  }

  @CommandLine.Command(
      name = "store-probe",
      hidden = true,
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {"Memory per stored session (a child process of bench scale)."})
  static final class StoreProbeCommand extends Command {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      try {
        return StoreProbe.run(args, out, err);
      } catch (Exception e) {
        err.println("error: the store probe failed: " + e);
        return 1;
      }
    }
  }
}
