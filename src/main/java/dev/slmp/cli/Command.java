package dev.slmp.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A tool command of the fat jar ({@code java -jar slmp-fat.jar NAME ...}): a class annotated with
 * picocli's {@code @Command} whose {@link #call} returns the exit code (0 ok, 2 usage error, others
 * as its {@code exitCodeList} says). Other modules register theirs as {@code Command} services (the
 * benchmark's {@code bench}), so the product never depends on them.
 *
 * <p>Errors are printed to {@link #err} as one clear line; secrets are printed only where the
 * command's purpose is to print them. A usage error found while running is thrown as picocli's
 * {@code ParameterException} (exit 2, with the usage line).
 */
public abstract class Command implements Callable<Integer> {
  /** Where the command writes; set by {@link SlmpMain} before {@link #call}. */
  protected PrintStream out = System.out;

  protected PrintStream err = System.err;

  final void streams(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }
}
