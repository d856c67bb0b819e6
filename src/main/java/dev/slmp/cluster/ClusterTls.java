package dev.slmp.cluster;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The event bus between nodes, with mutual TLS: each node presents its certificate from the cluster
 * CA ({@link ClusterCa}) and accepts only peers that present one too, the cluster CA being the only
 * trust anchor ({@code trustAll} false). Without it, anyone who reaches a node's event-bus port
 * reads every {@code slmp.in}/{@code slmp.deliver}/{@code slmp.out.*} payload and can answer or
 * publish on internal addresses.
 */
public final class ClusterTls {
  /** The line a node logs once its event bus listens. */
  public static final String TLS_NOTE = "(TLS, client certificates required)";

  public static final String INSECURE_NOTE =
      "(PLAINTEXT: cluster.insecure is true; anyone who reaches this port can read and send)";

  private ClusterTls() {}

  /**
   * Sets mutual TLS on {@code options} with the node certificate in {@code dataDir}, or fails with
   * a message saying how to create one.
   */
  public static EventBusOptions apply(EventBusOptions options, Path dataDir) {
    requireCertificate(dataDir);
    return options
        .setSsl(true)
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED)
        // Generous: a node's first connection to another is made on its first message, often under
        // load; on a busy 2-core host handshakes took over 5 s and failed those messages.
        .setSslHandshakeTimeout(30)
        .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setKeyPath(dataDir.resolve(ClusterCa.NODE_KEY).toString())
                .setCertPath(dataDir.resolve(ClusterCa.NODE_CERT).toString()))
        .setTrustOptions(
            new PemTrustOptions().addCertPath(dataDir.resolve(ClusterCa.NODE_CA).toString()));
  }

  /** Fails, naming the missing file and the command that creates it, unless all three are there. */
  public static void requireCertificate(Path dataDir) {
    for (String f : new String[] {ClusterCa.NODE_KEY, ClusterCa.NODE_CERT, ClusterCa.NODE_CA}) {
      if (!Files.isRegularFile(dataDir.resolve(f))) {
        throw new IllegalStateException(
            "no event-bus certificate for this node ("
                + dataDir.resolve(f)
                + " is missing): a clustered node needs one from the cluster CA. Create it with"
                + " `java -jar slmp-fat.jar cluster add-node --ca CA_DIR --data "
                + dataDir
                + "` (after `cluster init --ca CA_DIR` once per cluster; scripts/cluster-init.sh"
                + " does both), or set cluster.insecure to true to run without TLS");
      }
    }
  }
}
