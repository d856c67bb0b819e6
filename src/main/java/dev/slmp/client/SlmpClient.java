package dev.slmp.client;

import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.SentData;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Data;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.session.DeviceTicket;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * An SLMP/1 device connection over a Vert.x {@link NetClient}: one instance is one connection.
 * Everything runs on the Vert.x context the socket belongs to; methods called from another thread
 * hop onto it, so calls made from one thread keep their order. Nothing blocks.
 *
 * <p>DATA may be sent right after {@link #connect}: before HELLO_REPLY it waits in a queue, then
 * goes out pipelined behind AUTH (full handshake) or at once as EARLY DATA behind RESUME.
 */
public final class SlmpClient {
  /**
   * Connection settings; {@code timeoutMs} bounds the TCP connect, the handshake and each ACK wait.
   */
  public record Options(
      String host, int port, DeviceIdentity identity, int maxBody, long timeoutMs) {
    public static final int DEFAULT_MAX_BODY = 65_536;
    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(identity, "identity");
      if (port < 0 || port > 0xFFFF || maxBody < 1024 || maxBody > 0xFFFFFF || timeoutMs <= 0) {
        throw new IllegalArgumentException(
            "need port 0..65535, maxBody 1024..16777215, timeoutMs > 0");
      }
    }

    public static Options of(String host, int port, DeviceIdentity identity) {
      return new Options(host, port, identity, DEFAULT_MAX_BODY, DEFAULT_TIMEOUT_MS);
    }

    public Options withTimeout(long ms) {
      return new Options(host, port, identity, maxBody, ms);
    }
  }

  /**
   * Answers a command (a DATA from the server) with the ACK status to send when it asked for one:
   * {@code ACCEPTED} (also for {@code null}), {@code REJECTED} (the server drops it), or {@code
   * NOT_DELIVERED} (the server keeps it for a later try). A handler that throws answers {@code
   * NOT_DELIVERED}. Runs on the client's context, in the order the commands arrived.
   */
  @FunctionalInterface
  public interface CommandHandler {
    AckStatus handle(InboundMessage command);
  }

  /** A DATA sent with ACK_REQUESTED: its seq once written, and the server's ACK. */
  public record Delivery(Future<Long> written, Future<AckStatus> ack) {}

  private record Outgoing(
      String topic, byte[] payload, Promise<Long> written, Promise<AckStatus> ack) {}

  private static final long DRAIN_MS = 1000;
  private static final long DRAIN_BYTES = 1 << 20;

  private final Vertx vertx;
  private final Context context;
  private final Options options;
  private final NetClient ownedClient;
  private final NetSocket socket;
  private final DeviceTicket resumeTicket;
  private final DeviceConnection connection;
  private final ArrayDeque<Outgoing> beforeAuth = new ArrayDeque<>();
  private final PendingAcks acks;
  private final Promise<DeviceTicket> established = Promise.promise();
  private final Promise<SlmpClosedException> closed = Promise.promise();
  private CommandHandler commandHandler;
  private Future<Void> lastWrite = Future.succeededFuture();
  private boolean authSent;
  private SlmpClosedException closeReason;
  private Throwable socketError;
  private long handshakeTimer = -1;
  private long keepaliveTimer = -1;
  private long drainTimer = -1;
  private long drainedBytes;

  private SlmpClient(
      Vertx vertx,
      Context context,
      Options options,
      NetClient ownedClient,
      NetSocket socket,
      DeviceTicket ticket,
      CommandHandler commands) {
    this.vertx = vertx;
    this.commandHandler = commands;
    this.context = context;
    this.options = options;
    this.ownedClient = ownedClient;
    this.socket = socket;
    this.resumeTicket = ticket;
    this.connection =
        new DeviceConnection(
            options.identity(), Randomness.secure(), options.maxBody(), new Events());
    this.acks = new PendingAcks(vertx, options.timeoutMs());
  }

  /**
   * Connects and sends HELLO, or with {@code ticketOrNull} RESUME (the ticket whose counter the
   * caller already advanced with {@link DeviceTicket#nextCounter()} and stored). The future
   * completes once the TCP connection is up and that first frame was written; {@link
   * #established()} tells how the handshake ends. DATA sent from this future's callback (it runs on
   * the client's context) is sure to go out as 0-RTT data on a resumption; sent later, it may find
   * RESUMED already there and go out as ordinary DATA.
   */
  public static Future<SlmpClient> connect(
      Vertx vertx, Options options, DeviceTicket ticketOrNull) {
    return connect(vertx, options, ticketOrNull, null);
  }

  /**
   * As {@link #connect(Vertx, Options, DeviceTicket)} with {@code commands} handling the server's
   * DATA from the first frame on: a server with commands queued for the device sends them right
   * after WELCOME or RESUMED, before the ACK of the device's own data, so a device that waits for
   * that ACK (or a PONG) has handled them all.
   */
  public static Future<SlmpClient> connect(
      Vertx vertx, Options options, DeviceTicket ticketOrNull, CommandHandler commands) {
    NetClient client =
        vertx.createNetClient(
            new NetClientOptions()
                .setConnectTimeout((int) Math.min(options.timeoutMs(), Integer.MAX_VALUE))
                .setTcpNoDelay(true));
    return connect(vertx, client, true, options, ticketOrNull, commands);
  }

  /**
   * As {@link #connect(Vertx, Options, DeviceTicket)} over a shared {@code netClient} (not closed
   * here).
   */
  public static Future<SlmpClient> connect(
      Vertx vertx, NetClient netClient, Options options, DeviceTicket ticketOrNull) {
    return connect(vertx, netClient, false, options, ticketOrNull, null);
  }

  private static Future<SlmpClient> connect(
      Vertx vertx,
      NetClient netClient,
      boolean owned,
      Options o,
      DeviceTicket ticket,
      CommandHandler commands) {
    Promise<SlmpClient> result = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    run(
        ctx,
        () ->
            netClient
                .connect(o.port(), o.host())
                .onComplete(
                    ar -> {
                      if (ar.failed()) {
                        if (owned) {
                          netClient.close();
                        }
                        result.fail(ar.cause());
                        return;
                      }
                      // The socket's handlers run on the current context: confine the client to it.
                      Context socketContext =
                          Vertx.currentContext() != null ? Vertx.currentContext() : ctx;
                      SlmpClient c =
                          new SlmpClient(
                              vertx,
                              socketContext,
                              o,
                              owned ? netClient : null,
                              ar.result(),
                              ticket,
                              commands);
                      try {
                        c.start();
                        result.complete(c);
                      } catch (RuntimeException e) {
                        c.socket.close();
                        result.fail(e);
                      }
                    }));
    return result.future();
  }

  private void start() {
    socket.handler(this::onBytes);
    socket.exceptionHandler(t -> socketError = t);
    socket.closeHandler(v -> onSocketClosed());
    // Our Vert.x is shutting down: say goodbye now rather than hold the shutdown until the server
    // times us out.
    socket.shutdownHandler(
        v -> {
          if (!connection.isClosed()) {
            connection.close(CloseCode.NORMAL, "client shutting down");
          }
          socket.close();
        });
    handshakeTimer =
        vertx.setTimer(
            options.timeoutMs(),
            id -> {
              handshakeTimer = -1;
              if (!connection.isEstablished()) {
                connection.close(
                    CloseCode.TIMEOUT,
                    "handshake not complete within " + options.timeoutMs() + " ms");
              }
            });
    if (resumeTicket == null) {
      connection.startFull();
    } else {
      connection.startResume(resumeTicket);
    }
  }

  /** WELCOME or RESUMED arrived: the session ticket (null when the server keeps none). */
  public Future<DeviceTicket> established() {
    return established.future();
  }

  /** Completes (never fails) when the connection has ended, with why. */
  public Future<SlmpClosedException> closed() {
    return closed.future();
  }

  /** Sends a DATA without ACK_REQUESTED; the future gives its seq once written. */
  public Future<Long> send(String topic, byte[] payload) {
    Promise<Long> written = Promise.promise();
    exec(() -> submit(new Outgoing(topic, payload, written, null)));
    return written.future();
  }

  /** Sends a DATA with ACK_REQUESTED; the future gives the server's ACK status. */
  public Future<AckStatus> sendWithAck(String topic, byte[] payload) {
    return sendTracked(topic, payload).ack();
  }

  /** As {@link #sendWithAck}, also telling the seq the DATA got. */
  public Delivery sendTracked(String topic, byte[] payload) {
    Promise<Long> written = Promise.promise();
    Promise<AckStatus> ack = Promise.promise();
    exec(() -> submit(new Outgoing(topic, payload, written, ack)));
    return new Delivery(written.future(), ack.future());
  }

  /**
   * Handles DATA from the server. A DATA that asked for an ACK gets ACCEPTED once the handler
   * returned, NOT_DELIVERED when it threw or no handler is set.
   */
  public SlmpClient onMessage(Handler<InboundMessage> handler) {
    return onCommand(
        handler == null
            ? null
            : m -> {
              handler.handle(m);
              return AckStatus.ACCEPTED;
            });
  }

  /**
   * Handles DATA from the server (commands) with the ACK status to answer; see {@link
   * CommandHandler}. Set from {@link #connect}'s callback (it runs on the client's context before
   * any frame is read), or pass the handler to {@link #connect(Vertx, Options, DeviceTicket,
   * CommandHandler)}, so no command of a resumption arrives before it.
   */
  public SlmpClient onCommand(CommandHandler handler) {
    exec(() -> commandHandler = handler);
    return this;
  }

  /** Sends CLOSE(NORMAL), half-closes and closes; completes once the socket is closed. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    exec(
        () -> {
          if (closeReason == null) {
            connection.close(CloseCode.NORMAL, "");
          }
          closed.future().onComplete(ar -> done.complete());
        });
    return done.future();
  }

  // ---- sending
  // ---------------------------------------------------------------------------------------

  private void submit(Outgoing o) {
    if (closeReason != null) {
      fail(o, closeReason);
      return;
    }
    String problem = checkSize(o);
    if (problem != null) {
      fail(o, new IllegalArgumentException(problem));
    } else if (resumeTicket != null || authSent) {
      write(o);
    } else {
      beforeAuth.add(o); // DeviceConnection accepts DATA only once AUTH is out
    }
  }

  private String checkSize(Outgoing o) {
    int topicLen = o.topic().getBytes(StandardCharsets.UTF_8).length;
    DeviceTicket t = connection.ticket();
    // without a ticket max_body is unknown; every server accepts 1,024
    if (topicLen > Data.MAX_TOPIC_LENGTH || t == null) {
      return topicLen > Data.MAX_TOPIC_LENGTH ? "topic longer than 255 bytes" : null;
    }
    int body = Data.bodyLength(t.suite(), topicLen, o.payload().length);
    return body > t.maxBody()
        ? "DATA body of " + body + " bytes exceeds the server's max_body " + t.maxBody()
        : null;
  }

  private void write(Outgoing o) {
    boolean early = resumeTicket != null && !connection.isEstablished();
    SentData sent;
    try {
      sent = connection.sendData(o.topic(), o.payload(), o.ack() != null);
    } catch (IllegalStateException | IllegalArgumentException e) {
      fail(o, closeReason != null ? closeReason : e);
      return;
    }
    long seq = sent.seq();
    if (o.ack() != null) {
      acks.add(seq, early, o.ack());
    }
    sent.written()
        .whenComplete(
            (v, err) -> {
              if (err == null) {
                o.written().tryComplete(seq);
              } else {
                o.written().tryFail(closeReason != null ? closeReason : err);
              }
            });
  }

  private static void fail(Outgoing o, Throwable t) {
    o.written().tryFail(t);
    if (o.ack() != null) {
      o.ack().tryFail(t);
    }
  }

  // ---- receiving and closing
  // -------------------------------------------------------------------------

  private void onBytes(Buffer b) {
    if (closeReason != null) {
      // After our CLOSE: read and discard for a while (spec 2), so no reset destroys the CLOSE.
      drainedBytes += b.length();
      if (drainedBytes > DRAIN_BYTES) {
        socket.close();
      }
      return;
    }
    connection.receive(b.getBytes());
    while (authSent && closeReason == null && !beforeAuth.isEmpty()) {
      write(beforeAuth.poll());
    }
  }

  private void onSocketClosed() {
    cancel(drainTimer);
    if (closeReason == null) {
      finish(SlmpClosedException.lost(socketError));
    }
    if (ownedClient != null) {
      ownedClient.close();
    }
    closed.tryComplete(closeReason);
  }

  /** Records why the connection ended and fails everything still waiting. */
  private void finish(SlmpClosedException reason) {
    if (closeReason != null) {
      return;
    }
    closeReason = reason;
    cancel(handshakeTimer);
    cancel(keepaliveTimer);
    established.tryFail(reason);
    for (Outgoing o : beforeAuth) {
      fail(o, reason);
    }
    beforeAuth.clear();
    acks.failAll(reason);
  }

  /**
   * After our CLOSE is written: FIN, then close when the server closes, after 1 s, or after 1 MiB.
   */
  private void halfCloseAndDrain() {
    Channel ch =
        socket instanceof NetSocketInternal si ? si.channelHandlerContext().channel() : null;
    if (ch instanceof DuplexChannel duplex) {
      duplex.shutdownOutput();
      drainTimer = vertx.setTimer(DRAIN_MS, id -> socket.close());
    } else {
      socket.close();
    }
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void exec(Runnable r) {
    run(context, r);
  }

  private static void run(Context ctx, Runnable r) {
    if (Vertx.currentContext() == ctx) {
      r.run();
    } else {
      ctx.runOnContext(v -> r.run());
    }
  }

  /** DeviceConnection's output and events; all on the client's context. */
  private final class Events implements DeviceConnection.Listener {
    @Override
    public void write(byte[] bytes) {
      if (Frame.typeOf(bytes) == FrameType.AUTH) {
        authSent = true;
      }
      lastWrite = socket.write(Buffer.buffer(bytes));
    }

    @Override
    public CompletionStage<Void> writeTracked(byte[] bytes) {
      write(bytes);
      return lastWrite.toCompletionStage();
    }

    @Override
    public void established(DeviceConnection c, DeviceTicket ticket) {
      cancel(handshakeTimer);
      handshakeTimer = -1;
      int keepalive =
          ticket != null ? ticket.keepalive() : 0; // unknown when the server keeps no session
      if (keepalive > 0) {
        keepaliveTimer = vertx.setPeriodic(keepalive * 1000L, id -> connection.ping());
      }
      established.tryComplete(ticket);
    }

    @Override
    public void message(InboundMessage m) {
      AckStatus status = AckStatus.NOT_DELIVERED;
      try {
        if (commandHandler != null) {
          AckStatus answer = commandHandler.handle(m);
          status = answer != null ? answer : AckStatus.ACCEPTED;
        }
      } catch (RuntimeException e) {
        // not taken: NOT_DELIVERED lets the server retry later
      }
      if (m.ackRequested() && closeReason == null) {
        connection.acknowledge(m, status);
      }
    }

    @Override
    public void acknowledged(long seq, boolean early, AckStatus status) {
      acks.complete(seq, early, status);
    }

    @Override
    public void closed(CloseCode code, String reason, boolean byPeer) {
      finish(new SlmpClosedException(code, reason, byPeer));
      if (byPeer) {
        socket.close();
      } else {
        lastWrite.onComplete(ar -> halfCloseAndDrain());
      }
    }
  }

  @Override
  public String toString() {
    return "SlmpClient["
        + options.host()
        + ":"
        + options.port()
        + ", "
        + options.identity().deviceId()
        + ", "
        + (closeReason != null
            ? "closed"
            : connection.isEstablished() ? "established" : "handshaking")
        + "]";
  }
}
