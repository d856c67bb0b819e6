package dev.slmp.cli;

import dev.slmp.client.LegacyClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code send --legacy}: one message in the seed prototype's format (spec 10), to test a legacy
 * endpoint. Prints {@code Response from server: <answer>} as the prototype's client does. The
 * secret can come from {@code SLMP_LEGACY_SECRET} instead of {@code --secret} (kept out of the
 * process list).
 *
 * <p>Exit codes: 0 answered; 1 closed without an answer, or another error; 2 usage errors.
 */
final class LegacySend {
  static final String USAGE =
      "send --legacy [--host H] [--port P] --user U [--secret S] MESSAGE...";
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
    CliArgs a;
    int port;
    try {
      a =
          CliArgs.parse(
              args,
              java.util.Set.of("--legacy"),
              java.util.Set.of("--host", "--port", "--user", "--secret"));
      port =
          a.options().containsKey("--port")
              ? CliArgs.intIn("--port", a.get("--port", ""), 1, 65535)
              : 9999;
    } catch (CliArgs.UsageException e) {
      return usage(err, e.getMessage() + " (with --legacy)");
    }
    String host = a.get("--host", "127.0.0.1");
    String user = a.get("--user", null);
    String secret = a.get("--secret", System.getenv(SECRET_ENV));
    List<String> words = a.words();
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
      String answer =
          LegacyClient.send(
              host, port, user, secret.getBytes(StandardCharsets.UTF_8), message, TIMEOUT_MS);
      out.println("Response from server: " + answer);
      return 0;
    } catch (ConnectException e) {
      err.println("error: cannot connect to " + host + ":" + port + ": " + e.getMessage());
    } catch (SocketTimeoutException e) {
      err.println(
          "error: no answer from " + host + ":" + port + " within " + TIMEOUT_MS / 1000 + " s");
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
