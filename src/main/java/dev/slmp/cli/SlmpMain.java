package dev.slmp.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the fat jar: a tool command ({@code keys}, {@code device}, {@code send}, ...) when
 * the first argument names one (or asks for {@code --help} / {@code --version}), otherwise the
 * Vert.x launcher, which starts a node ({@code -conf}, {@code -cluster} and every other {@code
 * VertxApplication} option work, and no argument at all starts a node too).
 */
public final class SlmpMain {
  static {
    // Before the first logger: the node's shutdown log lines survive the JDK's log-reset hook.
    dev.slmp.node.ShutdownLogging.install();
  }

  static final String JAR = "java -jar slmp-fat.jar";

  /** Options whose values are secrets: an error about one never repeats the value. */
  static final Set<String> SECRET_OPTIONS = Set.of("--device-key", "--secret");

  private SlmpMain() {}

  /** The root command: only {@code --help}, {@code --version} and the commands. */
  @CommandLine.Command(
      name = JAR,
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      synopsisSubcommandLabel = "COMMAND",
      description = {
        "SLMP: secure, lightweight messaging for IoT devices.",
        "",
        "With no COMMAND, or with Vert.x launcher options, it starts a node:",
        "  " + JAR + " [-conf FILE_OR_JSON] [-cluster [-cluster-host HOST] ...]",
        "Each COMMAND has its own --help."
      },
      subcommands = {
        KeysCommand.class,
        DeviceCommand.class,
        SendCommand.class,
        ClusterCommand.class,
        CommandLine.HelpCommand.class
      },
      exitCodeListHeading = "%nExit codes (every command):%n",
      exitCodeList = {
        "0:done",
        "1:an error, told on the line starting with 'error:'",
        "2:a usage error (unknown option, missing or invalid value)",
        "*:others as the command's --help lists"
      })
  static final class Root extends Command {
    @CommandLine.Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(spec.commandLine(), "no COMMAND given");
    }
  }

  /** The command line with every command: the CLI's own, then those registered as services. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Root());
    for (Command c : ServiceLoader.load(Command.class, SlmpMain.class.getClassLoader())) {
      CommandLine sub = new CommandLine(c);
      if (!cl.getSubcommands().containsKey(sub.getCommandName())) {
        cl.addSubcommand(sub);
      }
    }
    // "@file" is a message word, not a file to expand into arguments.
    cl.setExpandAtFiles(false);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler(SlmpMain::usageError);
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          c.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e));
          return 1;
        });
    giveStreams(cl, out, err);
    return cl;
  }

  private static void giveStreams(CommandLine cl, PrintStream out, PrintStream err) {
    if (cl.getCommand() instanceof Command c) {
      c.streams(out, err);
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      giveStreams(sub, out, err);
    }
  }

  public static void main(String[] args) {
    if (args.length > 0 && isTool(args[0])) {
      System.exit(run(System.out, System.err, args));
    }
    SlmpApplication.main(args);
  }

  /** Whether {@code first} names a command or asks for help or the version (not a node start). */
  static boolean isTool(String first) {
    // A word is a command (or a mistyped one: an error, not a node on the default port); the
    // launcher's options all start with '-'.
    return Set.of("-h", "--help", "-V", "--version").contains(first) || !first.startsWith("-");
  }

  /** Runs a command in-process (tests, scripts): returns its exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    int code = commandLine(out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** A usage error: one line naming what is wrong, the command's synopsis, exit 2. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    PrintWriter w = c.getErr();
    w.println("error: " + describe(e));
    if (e instanceof UnmatchedArgumentException u) {
      UnmatchedArgumentException.printSuggestions(u, w);
    }
    w.print("usage: " + c.getHelp().synopsis("usage: ".length()));
    w.println("(" + c.getCommandSpec().qualifiedName() + " --help tells more)");
    w.flush();
    return 2;
  }

  /** The error without the value of a secret option, and without any value after '='. */
  static String describe(ParameterException e) {
    if (e instanceof UnmatchedArgumentException u) {
      List<String> unmatched = u.getUnmatched();
      String first = unmatched.isEmpty() ? "" : unmatched.get(0);
      if (first.startsWith("-")) {
        int eq = first.indexOf('=');
        return "unknown option " + (eq > 0 ? first.substring(0, eq) : first);
      }
      CommandSpec spec = e.getCommandLine().getCommandSpec();
      return !spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()
          ? "unknown command " + first
          : "unexpected argument " + first;
    }
    ArgSpec arg = e.getArgSpec();
    if (arg instanceof OptionSpec o && SECRET_OPTIONS.contains(o.longestName())) {
      return o.longestName() + ": invalid value (not shown)";
    }
    return e.getMessage();
  }
}
