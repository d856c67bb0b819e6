package dev.slmp.cli;

import dev.slmp.cluster.ClusterCa;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cluster init --ca DIR [--name NAME]} creates the cluster CA of the event bus's mutual TLS;
 * {@code cluster add-node --ca DIR --data NODE_DATA_DIR [--name NODE] [--host H]...} issues a node
 * its certificate into its data directory. The CA directory holds the only key that can admit a
 * node: keep it on no node (scripts/cluster-init.sh keeps it in {@code DIR/ca}).
 */
public final class ClusterCommand implements Command {
  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public String usage() {
    return "cluster init --ca DIR [--name NAME] | cluster add-node --ca DIR --data NODE_DIR"
        + " [--name NODE] [--host HOST_OR_IP]...";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !(args.get(0).equals("init") || args.get(0).equals("add-node"))) {
      err.println("usage: " + usage());
      return 2;
    }
    Map<String, String> opts = new HashMap<>();
    List<String> hosts = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (!List.of("--ca", "--data", "--name", "--host").contains(a) || i + 1 >= args.size()) {
        err.println("usage: " + usage());
        return 2;
      }
      String v = args.get(++i);
      if (v.isBlank() || v.length() > 253) {
        err.println("error: " + a + " needs a value");
        return 2;
      }
      if (a.equals("--host")) {
        hosts.add(v);
      } else {
        opts.put(a, v);
      }
    }
    if (!opts.containsKey("--ca")) {
      err.println("usage: " + usage());
      return 2;
    }
    Path ca = Path.of(opts.get("--ca"));
    try {
      if (args.get(0).equals("init")) {
        ClusterCa.init(ca, opts.getOrDefault("--name", "slmp"));
        out.println(
            "cluster CA in "
                + ca
                + " ("
                + ClusterCa.CA_KEY
                + " is mode 600: keep it off the nodes and back it up)");
        return 0;
      }
      if (!opts.containsKey("--data")) {
        err.println("usage: " + usage());
        return 2;
      }
      Path data = Path.of(opts.get("--data"));
      String node = opts.getOrDefault("--name", data.getFileName().toString());
      X509Certificate c = ClusterCa.addNode(ca, data, node, hosts);
      out.println(
          "node certificate for "
              + node
              + " in "
              + data.resolve(ClusterCa.NODE_CERT)
              + " (valid until "
              + c.getNotAfter().toInstant()
              + ")");
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }
}
