package dev.slmp.cli;

import dev.slmp.cluster.ClusterCa;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cluster init --ca DIR [--name NAME]} creates the cluster CA of the event bus's mutual TLS;
 * {@code cluster add-node --ca DIR --data NODE_DATA_DIR [--name NODE] [--host H]...} issues a node
 * its certificate into its data directory. The CA directory holds the only key that can admit a
 * node: keep it on no node (scripts/cluster-init.sh keeps it in {@code DIR/ca}).
 */
@CommandLine.Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    versionProvider = SlmpVersion.class,
    synopsisSubcommandLabel = "(init | add-node)",
    description = {
      "The cluster CA of the event bus's mutual TLS, and the nodes' certificates. The CA"
          + " directory holds the only key that can admit a node: keep it on no node."
    },
    subcommands = {ClusterCommand.Init.class, ClusterCommand.AddNode.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the CA or node files exist already, are missing, or cannot be written",
      "2:usage error"
    })
public final class ClusterCommand {
  private static final int MAX_VALUE = 253;

  abstract static class WithCa extends Command {
    @Spec CommandSpec spec;

    @Option(
        names = "--ca",
        required = true,
        paramLabel = "DIR",
        description = "the cluster CA's directory")
    String ca;

    String checked(String option, String value) {
      if (value != null && (value.isBlank() || value.length() > MAX_VALUE)) {
        throw new ParameterException(
            spec.commandLine(), option + " needs a value of 1 to " + MAX_VALUE + " characters");
      }
      return value;
    }

    @Override
    public Integer call() {
      Path caDir = Path.of(checked("--ca", ca));
      try {
        return run(caDir);
      } catch (IOException | RuntimeException e) {
        if (e instanceof ParameterException p) {
          throw p;
        }
        err.println("error: " + e.getMessage());
        return 1;
      }
    }

    abstract int run(Path caDir) throws IOException;
  }

  @CommandLine.Command(
      name = "init",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {"Creates the cluster CA in DIR (its key is mode 600)."})
  static final class Init extends WithCa {
    @Option(
        names = "--name",
        paramLabel = "NAME",
        defaultValue = "slmp",
        description = "the CA's name (default: ${DEFAULT-VALUE})")
    String name;

    @Override
    int run(Path caDir) throws IOException {
      ClusterCa.init(caDir, checked("--name", name));
      out.println(
          "cluster CA in "
              + caDir
              + " ("
              + ClusterCa.CA_KEY
              + " is mode 600: keep it off the nodes and back it up)");
      return 0;
    }
  }

  @CommandLine.Command(
      name = "add-node",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {"Issues a node its certificate, into the node's data directory."})
  static final class AddNode extends WithCa {
    @Option(
        names = "--data",
        required = true,
        paramLabel = "NODE_DIR",
        description = "the node's data directory")
    String data;

    @Option(
        names = "--name",
        paramLabel = "NODE",
        description = "the node's name (default: the data directory's name)")
    String name;

    @Option(
        names = "--host",
        paramLabel = "HOST_OR_IP",
        description = "a name or address the certificate is valid for (repeatable)")
    List<String> hosts = new ArrayList<>();

    @Override
    int run(Path caDir) throws IOException {
      Path dir = Path.of(checked("--data", data));
      for (String h : hosts) {
        checked("--host", h);
      }
      String node = name != null ? checked("--name", name) : dir.getFileName().toString();
      X509Certificate c = ClusterCa.addNode(caDir, dir, node, hosts);
      out.println(
          "node certificate for "
              + node
              + " in "
              + dir.resolve(ClusterCa.NODE_CERT)
              + " (valid until "
              + c.getNotAfter().toInstant()
              + ")");
      return 0;
    }
  }
}
