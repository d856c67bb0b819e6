package dev.slmp.cli;

import dev.slmp.client.SlmpClient;
import dev.slmp.client.SlmpClosedException;
import dev.slmp.client.TicketFile;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Pem;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Auth;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Data;
import dev.slmp.session.DeviceTicket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code send}: one message as a device, over a full handshake or, with {@code --state}, a resumed
 * session with the message as 0-RTT data. The MESSAGE words are joined with single spaces into one
 * UTF-8 payload. Commands the server sends (its queued downlink arrives right after WELCOME or
 * RESUMED, before the ACK) are printed as {@code command topic=T payload=P} and ACKed ACCEPTED;
 * {@code --linger} keeps the connection open for more. {@code --legacy} sends in the prototype's
 * format instead ({@link LegacySend}).
 *
 * <p>Exit codes: 0 sent (with {@code --ack}: ACCEPTED); 3 ACK NOT_DELIVERED; 4 ACK REJECTED; 100 +
 * code when the server closed the connection with a CLOSE code (105 AUTH_FAILED, 104
 * UNKNOWN_SERVER_KEY, 110 BUSY, ...); 1 other errors (connection refused, timeout, unreadable key,
 * key file or state file); 2 usage errors.
 */
@CommandLine.Command(
    name = "send",
    mixinStandardHelpOptions = true,
    versionProvider = SlmpVersion.class,
    sortOptions = false,
    description = {
      "Sends one message as a device: MESSAGE words joined with single spaces, as UTF-8.",
      "Commands the server sends meanwhile (its queue for the device arrives right after the"
          + " handshake, before the ACK: use --ack or --linger to read them) are printed as",
      "  command topic=TOPIC payload=TEXT_OR_BASE64",
      "and answered ACCEPTED.",
      "The device key is read from --device-key-file or $SLMP_DEVICE_KEY (other local users can"
          + " read a process's arguments); --device-key is there for tests."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:sent (with --ack: ACCEPTED); with --legacy: answered",
      "3:ACK NOT_DELIVERED",
      "4:ACK REJECTED",
      "100+code:the server closed the connection with that CLOSE code (105 AUTH_FAILED,"
          + " 104 UNKNOWN_SERVER_KEY, 110 BUSY, ...)",
      "1:other errors: connection refused, timeout, a key, key file or state file that cannot"
          + " be read or holds no key; with --legacy: no answer",
      "2:usage errors: unknown option, missing or invalid value"
    })
public final class SendCommand extends Command {
  private static final int MAX_LINGER_SECONDS = 86_400;

  @Spec CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST", description = "default: ${DEFAULT-VALUE}")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "PORT", description = "default: ${DEFAULT-VALUE}")
  int port = 9999;

  @Option(
      names = "--server-key",
      paramLabel = "FILE_OR_HEX",
      description = "the server's static public key: a PEM file, or the spec's hex (130 or 64)")
  String serverKey;

  @Option(names = "--device", paramLabel = "ID", description = "the device id (1 to 64 bytes)")
  String device;

  @Option(
      names = "--device-key-file",
      paramLabel = "FILE",
      description = "a file holding the device key (64 hex digits)")
  Path deviceKeyFile;

  @Option(
      names = "--device-key",
      paramLabel = "HEX",
      description = "the device key (64 hex digits); default: $" + Secrets.DEVICE_KEY_ENV)
  String deviceKeyHex;

  @Option(
      names = "--suite",
      paramLabel = "1|2|3",
      description = "default: 1 for a P-256 server key, 3 for X25519")
  Integer suite;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "default: empty")
  String topic = "";

  @Option(names = "--ack", description = "ask for an ACK and wait for it")
  boolean ack;

  @Option(
      names = "--state",
      paramLabel = "FILE",
      description = "session file: kept after a full handshake, resumed (0-RTT) next time")
  Path state;

  @Option(
      names = "--linger",
      paramLabel = "SECONDS",
      description = "stay connected this long after the message, printing commands (default: 0)")
  int linger;

  @ArgGroup(exclusive = false, heading = "%nThe prototype's format (spec 10):%n")
  LegacySend.Options legacy = new LegacySend.Options();

  @Parameters(paramLabel = "MESSAGE", arity = "1..*", description = "the message words")
  List<String> words;

  /** The session was refused (SESSION_UNKNOWN or REPLAY): drop it and do a full handshake. */
  private static final class ResumeRefused extends Exception {
    final SlmpClosedException closed;

    ResumeRefused(SlmpClosedException closed) {
      super(closed.getMessage(), closed, false, false);
      this.closed = closed;
    }
  }

  private record Started(SlmpClient client, Future<Long> written, Future<AckStatus> ack) {}

  private record Params(
      String host,
      int port,
      String topic,
      boolean ack,
      Path state,
      long lingerMs,
      byte[] payload) {}

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    if (port < 1 || port > 65535) {
      throw new ParameterException(cl, "--port must be a number from 1 to 65535");
    }
    byte[] payload = String.join(" ", words).getBytes(StandardCharsets.UTF_8);
    List<String> slmpOnly = new java.util.ArrayList<>();
    for (String name :
        List.of(
            "--server-key",
            "--device",
            "--device-key",
            "--device-key-file",
            "--suite",
            "--topic",
            "--ack",
            "--state",
            "--linger")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        slmpOnly.add(name);
      }
    }
    if (legacy.legacy) {
      if (!slmpOnly.isEmpty()) {
        throw new ParameterException(cl, slmpOnly.get(0) + " is not used with --legacy");
      }
      return LegacySend.run(cl, host, port, legacy, payload, out, err);
    }
    for (String name : List.of("--user", "--secret", "--secret-file")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        throw new ParameterException(cl, name + " is only used with --legacy");
      }
    }
    if (serverKey == null || device == null) {
      throw new ParameterException(
          cl,
          "missing required option "
              + (serverKey == null ? "--server-key" : "")
              + (serverKey == null && device == null ? " and " : "")
              + (device == null ? "--device" : ""));
    }
    int idLen = device.getBytes(StandardCharsets.UTF_8).length;
    if (idLen < 1 || idLen > Auth.MAX_ID_LENGTH) {
      throw new ParameterException(cl, "--device must be 1 to 64 UTF-8 bytes");
    }
    if (topic.getBytes(StandardCharsets.UTF_8).length > Data.MAX_TOPIC_LENGTH) {
      throw new ParameterException(cl, "--topic must be at most 255 UTF-8 bytes");
    }
    if (suite != null && Suite.byId(suite) == null) {
      throw new ParameterException(cl, "--suite must be 1, 2 or 3");
    }
    if (linger < 0 || linger > MAX_LINGER_SECONDS) {
      throw new ParameterException(
          cl, "--linger must be a number of seconds from 0 to " + MAX_LINGER_SECONDS);
    }
    Params p = new Params(host, port, topic, ack, state, linger * 1000L, payload);
    DeviceIdentity identity;
    byte[] deviceKey = null;
    try {
      deviceKey = Secrets.deviceKey(cl, deviceKeyHex, deviceKeyFile);
      Pem.GroupKey key = Secrets.serverKey(serverKey);
      Suite s = suite(cl, suite, key.group());
      identity = new DeviceIdentity(device, deviceKey, s, key.key());
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      if (deviceKey != null) {
        Arrays.fill(deviceKey, (byte) 0);
      }
      throw e;
    }
    Vertx vertx = Vertx.vertx();
    try {
      return send(vertx, p, identity, out, err);
    } catch (SlmpClosedException e) {
      err.println("error: " + e.getMessage() + hint(e));
      return e.byPeer() && e.code() != null ? 100 + e.code().code() : 1;
    } catch (Exception e) {
      err.println("error: " + describe(e, p));
      return 1;
    } finally {
      try {
        await(vertx.close(), 10_000);
      } catch (Exception ignored) {
        // exiting anyway
      }
      Arrays.fill(identity.deviceKey(), (byte) 0);
    }
  }

  private int send(Vertx vertx, Params p, DeviceIdentity id, PrintStream out, PrintStream err)
      throws Exception {
    TicketFile state = p.state() == null ? null : new TicketFile(p.state());
    DeviceTicket ticket = state == null ? null : usableTicket(state, id, err);
    if (ticket != null) {
      ticket = ticket.nextCounter();
      state.save(
          ticket,
          id.keyId(),
          id.deviceId()); // spec 8: the counter is stored before RESUME goes out
      try {
        return attempt(vertx, p, id, ticket, state, out, err);
      } catch (ResumeRefused e) {
        err.println(
            "resume refused ("
                + e.closed.code().name()
                + "): ticket dropped; full handshake, resending the message");
        state.delete();
      }
    }
    return attempt(vertx, p, id, null, state, out, err);
  }

  /** One connection: connect, send at once (pipelined or 0-RTT), report, close. */
  private int attempt(
      Vertx vertx,
      Params p,
      DeviceIdentity id,
      DeviceTicket ticket,
      TicketFile state,
      PrintStream out,
      PrintStream err)
      throws Exception {
    SlmpClient.Options options = SlmpClient.Options.of(p.host(), p.port(), id);
    long wait = options.timeoutMs() + 5_000;
    CommandPrinter commands = new CommandPrinter(out);
    // Send from the connect callback, on the client's context: before RESUMED can arrive, so it
    // goes as 0-RTT data.
    Promise<Started> starting = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                SlmpClient.connect(
                        vertx,
                        options,
                        ticket,
                        command -> {
                          commands.print(command);
                          return AckStatus.ACCEPTED;
                        })
                    .onComplete(
                        ar -> {
                          if (ar.failed()) {
                            starting.fail(ar.cause());
                            return;
                          }
                          SlmpClient client = ar.result();
                          SlmpClient.Delivery d =
                              p.ack() ? client.sendTracked(p.topic(), p.payload()) : null;
                          starting.complete(
                              new Started(
                                  client,
                                  d != null ? d.written() : client.send(p.topic(), p.payload()),
                                  d != null ? d.ack() : null));
                        }));
    Started started = await(starting.future(), wait);
    SlmpClient c = started.client();
    boolean done = false;
    try {
      Future<Long> written = started.written();
      DeviceTicket session;
      try {
        session = await(c.established(), wait);
      } catch (SlmpClosedException e) {
        boolean refused = e.code() == CloseCode.SESSION_UNKNOWN || e.code() == CloseCode.REPLAY;
        if (ticket != null && e.byPeer() && refused) {
          throw new ResumeRefused(e);
        }
        throw e;
      }
      if (ticket != null) {
        out.println("connected: resumed session " + Bytes.hex(ticket.sessionId()).substring(0, 8));
      } else {
        out.println("connected: full handshake, suite " + id.suite().name());
        if (state != null && session != null) {
          state.save(session, id.keyId(), id.deviceId());
        }
      }
      long seq = await(written, wait);
      out.println("sent seq=" + seq + " topic=" + p.topic() + " bytes=" + p.payload().length);
      commands.open(); // commands that came before the ACK print before its line
      int code = 0;
      if (started.ack() != null) {
        AckStatus status = await(started.ack(), wait);
        out.println("ack seq=" + seq + " " + status.name());
        code = status == AckStatus.ACCEPTED ? 0 : status == AckStatus.NOT_DELIVERED ? 3 : 4;
      }
      if (p.lingerMs() > 0) {
        SlmpClosedException ended = lingerFor(c, p.lingerMs());
        if (ended != null && ended.code() != CloseCode.NORMAL) {
          throw ended; // the server closed the connection (or it was lost) before the time was up
        }
        if (ended != null) {
          err.println("the server closed the connection: " + ended.getMessage());
        }
      }
      await(c.close(), wait);
      done = true;
      return code;
    } finally {
      if (!done) {
        try {
          await(
              c.close(),
              3_000); // a CLOSE instead of a bare reset, where the connection is still open
        } catch (Exception ignored) {
          // already reporting the first error
        }
      }
    }
  }

  /**
   * Waits {@code ms} for more commands; null when the time is up, else why the connection ended.
   */
  private static SlmpClosedException lingerFor(SlmpClient c, long ms) throws Exception {
    try {
      return await(c.closed(), ms);
    } catch (TimeoutException e) {
      return null;
    }
  }

  /**
   * The stored ticket if it can be used now with this identity and suite, else null (noted on
   * stderr).
   */
  private static DeviceTicket usableTicket(TicketFile state, DeviceIdentity id, PrintStream err) {
    DeviceTicket t;
    try {
      t = state.load(id.keyId(), id.deviceId());
    } catch (IOException e) {
      err.println("warning: " + e.getMessage() + "; doing a full handshake");
      return null;
    }
    if (t == null) {
      return null;
    }
    String why =
        t.isExpired(System.currentTimeMillis() / 1000)
            ? "expired"
            : t.suite() != id.suite()
                ? "of suite " + t.suite().id() + ", not " + id.suite().id()
                : t.lastCounter() >= 0xFFFFFFFFL ? "out of resume counters" : null;
    if (why != null) {
      err.println("stored session " + why + ": doing a full handshake");
      return null;
    }
    return t;
  }

  /** The suite asked for (it must match the key's group), else 1 for P-256 and 3 for X25519. */
  private static Suite suite(CommandLine cl, Integer asked, DhGroup group) {
    if (asked == null) {
      return group == DhGroup.p256() ? Suite.P256_FERNET : Suite.X25519_CHACHA20POLY1305;
    }
    Suite s = Suite.byId(asked);
    if (s.group() != group) {
      throw new ParameterException(
          cl,
          "--suite "
              + asked
              + " ("
              + s.group().name()
              + ") does not match the "
              + group.name()
              + " server key");
    }
    return s;
  }

  // ---- errors
  // ----------------------------------------------------------------------------------------

  private static String hint(SlmpClosedException e) {
    if (!e.byPeer()) {
      return e.code() == CloseCode.AUTH_FAILED
          ? " (the server could not prove it holds --server-key)"
          : "";
    }
    if (e.code() == CloseCode.AUTH_FAILED) {
      return " (check --device and --device-key)";
    }
    if (e.code() == CloseCode.UNKNOWN_SERVER_KEY) {
      return " (the server does not hold this --server-key)";
    }
    return e.code() == CloseCode.BUSY ? " (session kept; retry later)" : "";
  }

  private static String describe(Exception e, Params p) {
    if (e instanceof ConnectException) {
      String m = String.valueOf(e.getMessage());
      int cut = m.indexOf(": /");
      return "cannot connect to "
          + p.host()
          + ":"
          + p.port()
          + ": "
          + (cut > 0 ? m.substring(0, cut) : m);
    }
    if (e instanceof TimeoutException && e.getMessage() == null) {
      return "timed out";
    }
    if (e instanceof FileSystemException f) { // only the state file is touched while sending
      return "state file "
          + f.getFile()
          + ": "
          + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private static <T> T await(Future<T> f, long ms) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }
}
