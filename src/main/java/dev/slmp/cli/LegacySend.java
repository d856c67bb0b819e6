package dev.slmp.cli;

import dev.slmp.client.LegacyClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code send --legacy}: one message in the seed prototype's format (spec 10), to test a legacy
 * endpoint. Prints {@code Response from server: <answer>} as the prototype's client does. The
 * secret can come from {@code --secret-file} or {@code SLMP_LEGACY_SECRET} instead of {@code
 * --secret} (kept out of the process list). The legacy format has no downlink: no commands.
 *
 * <p>Exit codes: 0 answered; 1 closed without an answer, or another error; 2 usage errors.
 */
final class LegacySend {
  private static final int TIMEOUT_MS = 15_000;

  /** The options only {@code --legacy} uses. */
  static final class Options {
    @Option(names = "--legacy", description = "send in the prototype's format (no commands)")
    boolean legacy;

    @Option(names = "--user", paramLabel = "USER", description = "the prototype's user name")
    String user;

    @Option(
        names = "--secret-file",
        paramLabel = "FILE",
        description = "a file holding the shared secret")
    Path secretFile;

    @Option(
        names = "--secret",
        paramLabel = "SECRET",
        description = "the shared secret; default: $" + Secrets.LEGACY_SECRET_ENV)
    String secret;
  }

  private LegacySend() {}

  static int run(
      CommandLine cl,
      String host,
      int port,
      Options o,
      byte[] message,
      PrintStream out,
      PrintStream err) {
    if (o.user == null || o.user.isEmpty() || o.user.contains(";")) {
      throw new ParameterException(cl, "--user is required with --legacy and must not contain ';'");
    }
    byte[] secret = null;
    try {
      secret = Secrets.legacySecret(cl, o.secret, o.secretFile);
      String answer = LegacyClient.send(host, port, o.user, secret, message, TIMEOUT_MS);
      out.println("Response from server: " + answer);
      return 0;
    } catch (ConnectException e) {
      err.println("error: cannot connect to " + host + ":" + port + ": " + e.getMessage());
    } catch (SocketTimeoutException e) {
      err.println(
          "error: no answer from " + host + ":" + port + " within " + TIMEOUT_MS / 1000 + " s");
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
    } finally {
      if (secret != null) {
        Arrays.fill(secret, (byte) 0);
      }
    }
    return 1;
  }
}
