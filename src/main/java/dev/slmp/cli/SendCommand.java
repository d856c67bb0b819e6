package dev.slmp.cli;

import dev.slmp.cli.CliArgs.UsageException;
import dev.slmp.client.SlmpClient;
import dev.slmp.client.SlmpClosedException;
import dev.slmp.client.TicketFile;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.InvalidKeyException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.spec.InvalidKeySpecException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code send}: one message as a device, over a full handshake or, with {@code --state}, a resumed
 * session with the message as 0-RTT data. The MESSAGE words are joined with single spaces into one
 * UTF-8 payload.
 *
 * <p>Exit codes: 0 sent (with {@code --ack}: ACCEPTED); 3 ACK NOT_DELIVERED; 4 ACK REJECTED; 100 +
 * code when the server closed the connection with a CLOSE code (105 AUTH_FAILED, 104
 * UNKNOWN_SERVER_KEY, 110 BUSY, ...); 1 other errors (connection refused, timeout, unreadable key
 * or state file); 2 usage errors.
 */
public final class SendCommand implements Command {
  static final String USAGE =
      "send [--host H] [--port P] --server-key FILE_OR_HEX --device ID --device-key HEX"
          + " [--suite 1|2|3] [--topic T] [--ack] [--state FILE] MESSAGE...";
  private static final java.util.Set<String> VALUED =
      java.util.Set.of(
          "--host",
          "--port",
          "--server-key",
          "--device",
          "--device-key",
          "--suite",
          "--topic",
          "--state");

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
      String serverKey,
      String deviceId,
      byte[] deviceKey,
      Integer suite,
      String topic,
      boolean ack,
      Path state,
      byte[] payload) {}

  @Override
  public String name() {
    return "send";
  }

  @Override
  public String usage() {
    return USAGE
        + "   (exit 0 ok, 3 NOT_DELIVERED, 4 REJECTED, 100+CLOSE code, 1 error, 2 usage)"
        + "\n       java -jar slmp-fat.jar "
        + LegacySend.USAGE
        + "   (the prototype's format; exit 0 answered, 1 no answer)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (LegacySend.wanted(args)) {
      return LegacySend.run(args, out, err);
    }
    Params p;
    DeviceIdentity identity;
    try {
      p = parse(args);
      Pem.GroupKey serverKey;
      try {
        serverKey = serverKey(p.serverKey());
      } catch (IOException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      identity =
          new DeviceIdentity(
              p.deviceId(), p.deviceKey(), suite(p.suite(), serverKey.group()), serverKey.key());
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("usage: " + USAGE);
      return 2;
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
        return attempt(vertx, p, id, ticket, state, out);
      } catch (ResumeRefused e) {
        err.println(
            "resume refused ("
                + e.closed.code().name()
                + "): ticket dropped; full handshake, resending the message");
        state.delete();
      }
    }
    return attempt(vertx, p, id, null, state, out);
  }

  /** One connection: connect, send at once (pipelined or 0-RTT), report, close. */
  private int attempt(
      Vertx vertx,
      Params p,
      DeviceIdentity id,
      DeviceTicket ticket,
      TicketFile state,
      PrintStream out)
      throws Exception {
    SlmpClient.Options options = SlmpClient.Options.of(p.host(), p.port(), id);
    long wait = options.timeoutMs() + 5_000;
    // Send from the connect callback, on the client's context: before RESUMED can arrive, so it
    // goes as 0-RTT data.
    Promise<Started> starting = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                SlmpClient.connect(vertx, options, ticket)
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
      int code = 0;
      if (started.ack() != null) {
        AckStatus status = await(started.ack(), wait);
        out.println("ack seq=" + seq + " " + status.name());
        code = status == AckStatus.ACCEPTED ? 0 : status == AckStatus.NOT_DELIVERED ? 3 : 4;
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

  // ---- arguments
  // -------------------------------------------------------------------------------------

  private static Params parse(List<String> args) throws UsageException {
    CliArgs a = CliArgs.parse(args, java.util.Set.of("--ack"), VALUED);
    String host = a.get("--host", "127.0.0.1");
    int port =
        a.options().containsKey("--port")
            ? CliArgs.intIn("--port", a.get("--port", ""), 1, 65535)
            : 9999;
    String serverKey = a.get("--server-key", null);
    String device = a.get("--device", null);
    byte[] deviceKey = null;
    String keyHex = a.get("--device-key", null);
    if (keyHex != null) {
      if (!keyHex.matches("[0-9a-fA-F]{64}")) {
        throw new UsageException(
            "--device-key must be 64 hex digits (32 bytes)"); // never echo the value
      }
      deviceKey = Bytes.unhex(keyHex);
    }
    Integer suite =
        a.options().containsKey("--suite")
            ? CliArgs.intIn("--suite", a.get("--suite", ""), 1, 3)
            : null;
    String topic = a.get("--topic", "");
    boolean ack = a.flags().contains("--ack");
    Path state = a.options().containsKey("--state") ? Path.of(a.get("--state", "")) : null;
    List<String> words = a.words();
    if (serverKey == null || device == null || deviceKey == null) {
      throw new UsageException("--server-key, --device and --device-key are required");
    }
    int idLen = device.getBytes(StandardCharsets.UTF_8).length;
    if (idLen < 1 || idLen > Auth.MAX_ID_LENGTH) {
      throw new UsageException("--device must be 1 to 64 UTF-8 bytes");
    }
    if (topic.getBytes(StandardCharsets.UTF_8).length > Data.MAX_TOPIC_LENGTH) {
      throw new UsageException("--topic must be at most 255 UTF-8 bytes");
    }
    if (words.isEmpty()) {
      throw new UsageException("no MESSAGE given");
    }
    byte[] payload = String.join(" ", words).getBytes(StandardCharsets.UTF_8);
    return new Params(host, port, serverKey, device, deviceKey, suite, topic, ack, state, payload);
  }

  /** The suite asked for (it must match the key's group), else 1 for P-256 and 3 for X25519. */
  private static Suite suite(Integer asked, DhGroup group) throws UsageException {
    if (asked == null) {
      return group == DhGroup.p256() ? Suite.P256_FERNET : Suite.X25519_CHACHA20POLY1305;
    }
    Suite s = Suite.byId(asked);
    if (s.group() != group) {
      throw new UsageException(
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

  /**
   * {@code --server-key}: the spec encoding in hex (130 or 64 digits), or a file holding a PEM
   * public key or that hex.
   */
  static Pem.GroupKey serverKey(String arg) throws IOException {
    Pem.GroupKey k = fromHex(arg.trim());
    if (k != null) {
      return k;
    }
    Path file = Path.of(arg);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "--server-key: no such file " + arg + " (and not 130 or 64 hex digits)");
    }
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    k = fromHex(text.trim());
    if (k != null) {
      return k;
    }
    try {
      return Pem.publicFromSpki(Pem.decode(text, Pem.PUBLIC_KEY));
    } catch (InvalidKeySpecException e) {
      throw new IOException(
          "--server-key " + file + ": not a P-256 or X25519 public key: " + e.getMessage());
    }
  }

  private static Pem.GroupKey fromHex(String s) throws IOException {
    if (!s.matches("[0-9a-fA-F]{130}|[0-9a-fA-F]{64}")) {
      return null;
    }
    byte[] key = Bytes.unhex(s);
    DhGroup group = key.length == 65 ? DhGroup.p256() : DhGroup.x25519();
    try {
      group.validatePublic(key);
    } catch (InvalidKeyException e) {
      throw new IOException(
          "--server-key: not a valid " + group.name() + " public key (" + e.getMessage() + ")");
    }
    return new Pem.GroupKey(group, key);
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
