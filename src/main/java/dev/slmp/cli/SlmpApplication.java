package dev.slmp.cli;

import dev.slmp.node.SlmpNode;
import io.vertx.core.Deployable;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.util.function.Supplier;

/** The Vert.x launcher with {@link SlmpNode} as the main verticle; every {@code VertxApplication} option works. */
public final class SlmpApplication extends VertxApplication implements VertxApplicationHooks {
  public SlmpApplication(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    }
    System.setProperty("hazelcast.phone.home.enabled", System.getProperty("hazelcast.phone.home.enabled", "false"));
    int code = new SlmpApplication(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return SlmpNode::new;
  }
}
