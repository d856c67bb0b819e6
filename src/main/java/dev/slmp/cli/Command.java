package dev.slmp.cli;

import java.io.PrintStream;
import java.util.List;

/** A tool command of the fat jar ({@code java -jar slmp-fat.jar NAME ...}). */
public interface Command {
  /** The first argument that selects this command. */
  String name();

  /** One line for the usage text. */
  String usage();

  /**
   * Runs the command; returns the process exit code (0 ok, 2 usage error, others as documented).
   * Errors are printed to {@code err} as one clear line; secrets are printed only where the
   * command's purpose is to print them.
   */
  int run(List<String> args, PrintStream out, PrintStream err);
}
