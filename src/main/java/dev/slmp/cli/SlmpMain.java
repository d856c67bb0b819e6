package dev.slmp.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Entry point of the fat jar: a tool command ({@code keys}, {@code device}, {@code send}, ...) when
 * the first argument names one, otherwise the Vert.x launcher, which starts a node ({@code -conf},
 * {@code -cluster} and every other {@code VertxApplication} option work).
 */
public final class SlmpMain {
  static {
    // Before the first logger: the node's shutdown log lines survive the JDK's log-reset hook.
    dev.slmp.node.ShutdownLogging.install();
  }

  private SlmpMain() {}

  /**
   * The tool commands, by name: the CLI's own, then those other modules register as {@code Command}
   * services (the benchmark's {@code bench}), so the product never depends on them.
   */
  static Map<String, Command> commands() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c :
        List.<Command>of(
            new KeysCommand(), new DeviceCommand(), new SendCommand(), new ClusterCommand())) {
      m.put(c.name(), c);
    }
    for (Command c : ServiceLoader.load(Command.class, SlmpMain.class.getClassLoader())) {
      m.putIfAbsent(c.name(), c);
    }
    return m;
  }

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("help") || args[0].equals("--help"))) {
      usage(System.out);
      return;
    }
    Command c = args.length > 0 ? commands().get(args[0]) : null;
    if (c != null) {
      System.exit(c.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
    }
    SlmpApplication.main(args);
  }

  /** Runs a command in-process (tests, scripts): returns its exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Command c = args.length > 0 ? commands().get(args[0]) : null;
    if (c == null) {
      err.println("unknown command: " + (args.length > 0 ? args[0] : "(none)"));
      usage(err);
      return 2;
    }
    return c.run(Arrays.asList(args).subList(1, args.length), out, err);
  }

  static void usage(PrintStream out) {
    out.println("usage: java -jar slmp-fat.jar [-conf FILE_OR_JSON] [-cluster ...]   start a node");
    for (Command c : commands().values()) {
      out.println("       java -jar slmp-fat.jar " + c.usage());
    }
  }
}
