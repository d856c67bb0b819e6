package dev.slmp.cli;

import java.io.PrintStream;
import java.util.List;

/** Placeholder: replaced by the real client command. */
final class SendCommand implements Command {
  @Override
  public String name() {
    return "send";
  }

  @Override
  public String usage() {
    return "send ...";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    err.println("not implemented");
    return 1;
  }
}
