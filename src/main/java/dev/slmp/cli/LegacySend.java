package dev.slmp.cli;

import dev.slmp.client.LegacyClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code send --legacy}: one message in the seed prototype's format (spec 10), to test a legacy endpoint. Prints
 * {@code Response from server: <answer>} as the prototype's client does. The secret can come from
 * {@code SLMP_LEGACY_SECRET} instead of {@code --secret} (kept out of the process list).
 *
 * <p>Exit codes: 0 answered; 1 closed without an answer, or another error; 2 usage errors.
 */
final class LegacySend {
  static final String USAGE = "send --legacy [--host H] [--port P] --user U [--secret S] MESSAGE...";
  static final String SECRET_ENV = "SLMP_LEGACY_SECRET";
  private static final int TIMEOUT_MS = 15_000;

  private LegacySend() {}

  /** Whether the arguments ask for the legacy format ({@code --legacy} before any {@code --}). */
  static boolean wanted(List<String> args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--legacy")) {
        return true;
      }
    }
    return false;
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    String host = "127.0.0.1";
    int port = 9999;
    String user = null;
    String secret = System.getenv(SECRET_ENV);
    List<String> words = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (optionsEnded || !a.startsWith("--")) {
        words.add(a);
        continue;
      }
      if (a.equals("--")) {
        optionsEnded = true;
        continue;
      }
      if (a.equals("--legacy")) {
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq > 0 ? a.substring(0, eq) : a;
      if (!List.of("--host", "--port", "--user", "--secret").contains(name)) {
        return usage(err, "unknown option " + name + " with --legacy");
      }
      String value = eq > 0 ? a.substring(eq + 1) : ++i < args.size() ? args.get(i) : null;
      if (value == null) {
        return usage(err, name + " needs a value");
      }
      switch (name) {
        case "--host" -> host = value;
        case "--port" -> {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            port = -1;
          }
          if (port < 1 || port > 65535) {
            return usage(err, "--port must be a number from 1 to 65535");
          }
        }
        case "--user" -> user = value;
        default -> secret = value;
      }
    }
    if (user == null || user.isEmpty() || user.contains(";")) {
      return usage(err, "--user is required and must not contain ';'");
    }
    if (secret == null || secret.isEmpty()) {
      return usage(err, "--secret (or " + SECRET_ENV + ") is required");
    }
    if (words.isEmpty()) {
      return usage(err, "no MESSAGE given");
    }
    byte[] message = String.join(" ", words).getBytes(StandardCharsets.UTF_8);
    try {
      String answer = LegacyClient.send(host, port, user, secret.getBytes(StandardCharsets.UTF_8), message, TIMEOUT_MS);
      out.println("Response from server: " + answer);
      return 0;
    } catch (ConnectException e) {
      err.println("error: cannot connect to " + host + ":" + port + ": " + e.getMessage());
    } catch (SocketTimeoutException e) {
      err.println("error: no answer from " + host + ":" + port + " within " + TIMEOUT_MS / 1000 + " s");
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
    }
    return 1;
  }

  private static int usage(PrintStream err, String message) {
    err.println("error: " + message); // never echoes --secret
    err.println("usage: " + USAGE);
    return 2;
  }
}
