package dev.slmp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --data DIR}: a node's data directory, else {@code $SLMP_DATA_DIR}, else {@code data}. */
final class DataDirOption {
  static final String DATA_ENV = "SLMP_DATA_DIR";
  static final String DEFAULT_DATA = "data";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "the node's data directory (default: $" + DATA_ENV + ", else ./data)")
  String dir;

  Path path() {
    if (dir != null) {
      if (dir.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--data needs a directory");
      }
      return Path.of(dir);
    }
    String env = System.getenv(DATA_ENV);
    return Path.of(env != null && !env.isBlank() ? env : DEFAULT_DATA);
  }
}
