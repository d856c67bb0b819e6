package dev.slmp.node;

import java.util.logging.Handler;
import java.util.logging.LogManager;

/**
 * Keeps the node's log lines while it shuts down: the JDK's log manager resets (silences) logging
 * in a shutdown hook of its own, which runs at the same time as the node's graceful shutdown (the
 * launcher's hook), so the lines that tell what the shutdown did were lost. {@link #install} makes
 * {@link Manager} the JDK's log manager; it must run before the first logger is made.
 */
public final class ShutdownLogging {
  private ShutdownLogging() {}

  /** Makes {@link Manager} the log manager unless one was chosen already. */
  public static void install() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", Manager.class.getName());
    }
  }

  /**
   * The JDK's log manager, except that a reset while the JVM shuts down only flushes the handlers.
   * (A nested class: loading it initialises {@link LogManager}, which must not happen in {@link
   * #install}.)
   */
  public static final class Manager extends LogManager {
    @Override
    public void reset() {
      if (shuttingDown()) {
        for (Handler h : getLogger("").getHandlers()) {
          h.flush();
        }
        return;
      }
      super.reset();
    }
  }

  private static boolean shuttingDown() {
    try {
      Thread probe = new Thread(() -> {});
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
