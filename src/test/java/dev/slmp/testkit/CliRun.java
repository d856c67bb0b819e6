package dev.slmp.testkit;

import dev.slmp.cli.SlmpMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One in-process run of the command line ({@link SlmpMain#run}): its exit code and what it printed.
 */
public record CliRun(int code, String out, String err) {

  /** Runs {@code args}; {@code out} has its line ends as {@code \n}. */
  public static CliRun of(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SlmpMain.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args.toArray(String[]::new));
    return new CliRun(
        code,
        out.toString(StandardCharsets.UTF_8).replace("\r", ""),
        err.toString(StandardCharsets.UTF_8));
  }

  /** The lines of {@code out}. */
  public List<String> lines() {
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }
}
