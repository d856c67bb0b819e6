package dev.slmp.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tool command's arguments: {@code --name value} or {@code --name=value} options, boolean flags,
 * and the remaining words ({@code --} ends the options). Option values are never echoed in errors
 * (some are secrets).
 */
record CliArgs(Map<String, String> options, Set<String> flags, List<String> words) {

  /** A usage error: the message says what is wrong, without the offending value. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  static CliArgs parse(List<String> args, Set<String> flagNames, Set<String> valuedNames)
      throws UsageException {
    Map<String, String> options = new HashMap<>();
    Set<String> flags = new HashSet<>();
    List<String> words = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (optionsEnded || !a.startsWith("--")) {
        words.add(a);
      } else if (a.equals("--")) {
        optionsEnded = true;
      } else if (flagNames.contains(a)) {
        flags.add(a);
      } else {
        int eq = a.indexOf('=');
        String name = eq > 0 ? a.substring(0, eq) : a;
        if (!valuedNames.contains(name)) {
          throw new UsageException("unknown option " + name);
        }
        String value = eq > 0 ? a.substring(eq + 1) : ++i < args.size() ? args.get(i) : null;
        if (value == null) {
          throw new UsageException(name + " needs a value");
        }
        options.put(name, value);
      }
    }
    return new CliArgs(options, flags, words);
  }

  String get(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  static int intIn(String name, String value, int min, int max) throws UsageException {
    try {
      int v = Integer.parseInt(value);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(name + " must be a number from " + min + " to " + max);
  }
}
