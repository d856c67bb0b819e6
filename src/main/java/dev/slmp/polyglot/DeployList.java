package dev.slmp.polyglot;

import dev.slmp.config.DeployEntry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Deploys the config key {@code deploy} ({@link DeployEntry}, read and checked with the rest of the
 * configuration): application verticles a node deploys after its own, in order.
 */
public final class DeployList {
  private static final System.Logger LOG = System.getLogger(DeployList.class.getName());

  private DeployList() {}

  /**
   * Deploys the entries one after the other, from the caller's verticle (so they are its children
   * and go with it); the first failure stops, with a message naming the entry.
   */
  public static Future<Void> deployAll(Vertx vertx, List<DeployEntry> entries) {
    Future<Void> chain = Future.succeededFuture();
    for (DeployEntry e : entries) {
      chain = chain.compose(v -> deploy(vertx, e));
    }
    return chain;
  }

  private static Future<Void> deploy(Vertx vertx, DeployEntry e) {
    DeploymentOptions opts =
        new DeploymentOptions().setInstances(e.instances()).setConfig(e.config().copy());
    return vertx
        .deployVerticle(e.name(), opts)
        .<Void>map(
            id -> {
              LOG.log(
                  System.Logger.Level.INFO,
                  "deployed "
                      + e.label()
                      + (e.instances() > 1 ? " (" + e.instances() + " instances)" : ""));
              return null;
            })
        .recover(
            err ->
                Future.failedFuture(
                    new IllegalStateException(e.label() + " failed: " + describe(err), err)));
  }

  private static String describe(Throwable err) {
    if (err instanceof ClassNotFoundException) {
      return "no class " + err.getMessage() + " on the classpath";
    }
    if (err instanceof ClassCastException) {
      return "not a verticle (" + err.getMessage() + ")";
    }
    return err.getMessage() != null ? err.getMessage() : err.toString();
  }
}
