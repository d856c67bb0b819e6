package dev.slmp.gateway;

import dev.slmp.bus.Addresses;
import dev.slmp.commands.Downlink;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.RecordCrypto;
import dev.slmp.connection.SentData;
import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.LegacyWire;
import dev.slmp.crypto.Randomness;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.metrics.SlmpMeters;
import dev.slmp.metrics.SlmpMeters.MessageOutcome;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One device's TCP connection on a gateway: feeds the socket to its {@link ServerConnection}, runs
 * its timers (handshake timeout, idle timeout), delivers its messages, owns {@code
 * slmp.out.<deviceId>} while established, and closes gracefully (CLOSE, half-close, drain, close:
 * spec 2). Confined to its context.
 */
final class GatewayConnection implements ServerConnection.Listener {
  private static final System.Logger LOG = System.getLogger(GatewayConnection.class.getName());

  /** After CLOSE, read and discard at most this much, for at most {@link #LINGER_MS}. */
  static final int LINGER_BYTES = 1 << 20;

  static final long LINGER_MS = 1000;

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final GatewayVerticle gateway;
  private final ServerConnection connection;
  // Outbound bookkeeping, made on first use: most connections never receive a command (heap per
  // idle connection).
  private Map<Long, Message<JsonObject>> awaitingAck;
  private long handshakeTimer;
  private long lastActivity;
  private final ConnectionRegistry.Admission admission;
  private boolean finished;
  private boolean paused;

  /** Deliveries of this connection that asked for an ACK and await their consumer's answer. */
  private int inflight;

  private boolean firstChunk = true;

  /** The device's first frame was a RESUME (a failed handshake counts as kind "resumed"). */
  private boolean resumeAttempt;

  /**
   * The node shuts down: nothing more is read, and CLOSE(NORMAL) follows the last ACK this
   * connection owes.
   */
  private boolean shuttingDown;

  /** The device half-closed (TCP FIN): it is still owed its answers, then the socket closes. */
  private boolean inputEnded;

  private MessageConsumer<JsonObject> outConsumer;

  /** The downlink queue on this connection, made when it may have commands (else null: heap). */
  private ConnectionCommands commands;

  private String deviceId;

  /** The session id in hex for the messages' JSON, made on the first message. */
  private String sessionHex;

  private static final java.util.concurrent.atomic.AtomicLong SERIALS =
      new java.util.concurrent.atomic.AtomicLong();
  private final long serial = SERIALS.incrementAndGet();
  private long establishedAt;

  /**
   * DATA frames received from and sent to the device, for the admin API's connection list: written
   * on this connection's context only and read racily by the API (a display value, not worth a
   * memory barrier per message).
   */
  private long messagesIn;

  private long messagesOut;

  GatewayConnection(
      Vertx vertx,
      NetSocket socket,
      GatewayVerticle gateway,
      ConnectionRegistry.Admission admission,
      ServerHandshaker handshaker,
      RecordCrypto crypto) {
    this.admission = admission;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.gateway = gateway;
    this.connection =
        new ServerConnection(handshaker, crypto, gateway.settings(), Randomness.secure(), this);
  }

  void start() {
    lastActivity = monotonicMillis();
    HalfClose.allow(socket);
    socket.handler(this::received);
    socket.closeHandler(v -> finish());
    // The node is shutting down (SIGTERM, undeploy): devices get their owed ACKs, then
    // CLOSE(NORMAL), and can reconnect elsewhere.
    socket.shutdownHandler(v -> closeOnceAnswered());
    socket.exceptionHandler(
        e ->
            LOG.log(
                System.Logger.Level.DEBUG,
                "socket error from " + remoteHost() + ": " + e.getMessage()));
    handshakeTimer =
        vertx.setTimer(gateway.handshakeTimeoutMs(), id -> connection.handshakeTimeout());
  }

  private void received(Buffer buf) {
    if (HalfClose.isEndOfInput(buf)) {
      inputEnded = true;
      connection.inputEnded();
      return;
    }
    if (firstChunk) {
      firstChunk = false;
      // The first frame's type (its first byte) tells a failed handshake's kind for the metrics.
      resumeAttempt = buf.length() > 0 && buf.getByte(0) == dev.slmp.protocol.FrameType.RESUME;
      if (gateway.legacy() != null && buf.length() > 0 && buf.getByte(0) == LegacyWire.FIRST_BYTE) {
        // The prototype's format (spec 10) takes the socket and its admission slot; lastActivity is
        // still the accept time.
        vertx.cancelTimer(handshakeTimer);
        new LegacyConnection(vertx, socket, gateway, admission).start(buf, lastActivity);
        return;
      }
    }
    long frames = connection.framesReceived();
    // Read the socket's bytes in place: the decoder copies each frame body once, and that is the
    // only copy.
    io.netty.buffer.ByteBuf bb = ((io.vertx.core.internal.buffer.BufferInternal) buf).getByteBuf();
    if (bb.hasArray()) {
      connection.receive(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
    } else {
      connection.receive(buf.getBytes());
    }
    if (connection.framesReceived() != frames) {
      // Complete frames reset the idle timer, single bytes do not (spec 6: "any frame").
      lastActivity = monotonicMillis();
    }
    updateReading();
  }

  @Override
  public void drained() {
    updateReading();
  }

  /**
   * Backpressure: the socket is read only while the node can take more from this device. It stops
   * while frames wait for handshake or crypto work, while its deliveries awaiting an answer reach
   * {@code limits.maxInflightPerConnection} (further frames are held in order by the connection,
   * not handled), and while the socket's write queue is full because the device does not read its
   * answers; it goes on when the cause is gone.
   */
  private void updateReading() {
    if (finished || shuttingDown) {
      return;
    }
    connection.hold(inflight >= gateway.maxInflight() || (commands != null && commands.claiming()));
    boolean writesBlocked = socket.writeQueueFull();
    boolean stop =
        writesBlocked
            || inflight >= gateway.maxInflight()
            || connection.queuedBytes() > gateway.settings().maxBody() * 2L;
    if (stop && !paused) {
      paused = true;
      if (inflight >= gateway.maxInflight()) {
        gateway.meters().refused(SlmpMeters.Refusal.INFLIGHT_PAUSE);
      }
      socket.pause();
    } else if (!stop && paused) {
      paused = false;
      socket.resume();
    }
    if (writesBlocked) {
      socket.drainHandler(v -> updateReading());
    }
  }

  @Override
  public void write(byte[] bytes) {
    socket.write(Buffer.buffer(bytes));
  }

  @Override
  public CompletionStage<Void> writeTracked(byte[] bytes) {
    return socket.write(Buffer.buffer(bytes)).toCompletionStage();
  }

  @Override
  public void established(ServerConnection c) {
    vertx.cancelTimer(handshakeTimer);
    admission.handshakeDone();
    deviceId = c.deviceId();
    establishedAt = System.currentTimeMillis();
    gateway.meters().handshake(c.suite(), c.isResumed(), null);
    GatewayConnection older = gateway.registry().claim(deviceId, this);
    if (older != null && older != this) {
      older.takenOver();
    }
    // Other nodes close their older connection of this device (a standalone node has settled it
    // above).
    if (vertx.isClustered()) {
      vertx
          .eventBus()
          .publish(
              Addresses.CONNECTED,
              new JsonObject()
                  .put("device", deviceId)
                  .put("connection", connectionId())
                  .put("at", establishedAt)
                  .put("node", gateway.nodeId()));
    }
    outConsumer = vertx.eventBus().consumer(Addresses.out(deviceId), this::outbound);
    gateway.track(this);
    // Claimed first, checked second: a revocation's sweep of the claimed connections runs after
    // the registry changed, so either the sweep finds this connection or this check sees it.
    if (gateway.registry().isRevoked(deviceId)) {
      closeBy(CloseCode.AUTH_FAILED, "device revoked");
      return;
    }
    // Queued commands go first, before anything else is answered on this connection (even the
    // ACK of 0-RTT data). With nothing queued on a standalone node this is one hash lookup.
    Downlink downlink = gateway.downlink();
    if (downlink != null && downlink.mayHaveCommands(deviceId)) {
      claimCommands();
    }
  }

  /** Sends what is queued for the device now (its frames wait meanwhile). */
  private void claimCommands() {
    if (commands == null) {
      commands =
          new ConnectionCommands(
              gateway.downlink(), connection, deviceId, connectionId(), this::updateReading);
    }
    commands.claim();
  }

  /**
   * Unique in the cluster: this node's id and a per-process serial (made when needed, not kept:
   * heap).
   */
  String connectionId() {
    return gateway.nodeId() + "/" + serial;
  }

  /** The gateway's idle sweep: CLOSE(TIMEOUT) after more than 2 x keepalive without a frame. */
  void closeIfIdle(long now, long limit) {
    if (now - lastActivity > limit) {
      connection.close(CloseCode.TIMEOUT, "idle for more than 2 x keepalive");
    }
  }

  /** Looked up when needed (failed auth, logs) rather than kept per connection. */
  private String remoteHost() {
    return socket.remoteAddress() == null ? "?" : socket.remoteAddress().host();
  }

  long establishedAt() {
    return establishedAt;
  }

  /** What the admin API shows of an established connection (read from any thread: racy counts). */
  ConnectionRegistry.Info info() {
    return new ConnectionRegistry.Info(
        deviceId,
        gateway.nodeId(),
        remoteHost(),
        String.valueOf(connection.suite()),
        connection.isResumed(),
        establishedAt,
        messagesIn,
        messagesOut + (commands == null ? 0 : commands.sent()));
  }

  /**
   * The operator or a revocation ends this connection with {@code code} (any thread: runs on the
   * connection's context).
   */
  void closeBy(CloseCode code, String reason) {
    context.runOnContext(v -> connection.close(code, reason));
  }

  static final String SHUTTING_DOWN = "server shutting down";

  /**
   * Graceful shutdown (the server's shutdown event, on this context): stop reading, so no new DATA
   * is taken (frames already read but not yet delivered are dropped unacknowledged: the device
   * resends them elsewhere), answer the deliveries in flight, then CLOSE(NORMAL).
   */
  private void closeOnceAnswered() {
    if (shuttingDown || connection.isClosed()) {
      return;
    }
    shuttingDown = true;
    connection.hold(true);
    socket.pause();
    if (inflight == 0) {
      connection.close(CloseCode.NORMAL, SHUTTING_DOWN);
    }
  }

  /**
   * Another connection of the same device was established: this one ends (spec: one connection per
   * device).
   */
  void takenOver() {
    context.runOnContext(v -> connection.close(CloseCode.NORMAL, "taken over"));
  }

  @Override
  public void message(InboundMessage m) {
    if (sessionHex == null && m.sessionId() != null) {
      sessionHex = Bytes.hex(m.sessionId());
    }
    messagesIn++;
    SlmpMeters meters = gateway.meters();
    if (!m.ackRequested()) {
      meters.message(MessageOutcome.NO_ACK);
      gateway.delivery().deliver(m, sessionHex, null);
      return;
    }
    long received = System.nanoTime();
    if (++inflight >= gateway.maxInflight()) {
      connection.hold(
          true); // at once: the rest of this read's frames queue instead of being delivered
    }
    gateway
        .delivery()
        .deliver(
            m,
            sessionHex,
            status -> {
              inflight--;
              connection.acknowledge(m, status);
              meters.message(outcomeOf(status));
              meters.delivery(System.nanoTime() - received);
              if (shuttingDown && inflight == 0) {
                connection.close(CloseCode.NORMAL, SHUTTING_DOWN);
              }
              updateReading();
            });
  }

  private static MessageOutcome outcomeOf(AckStatus status) {
    return switch (status) {
      case ACCEPTED -> MessageOutcome.ACCEPTED;
      case REJECTED -> MessageOutcome.REJECTED;
      default -> MessageOutcome.NOT_DELIVERED;
    };
  }

  @Override
  public void acknowledged(long seq, AckStatus status) {
    if (commands != null && commands.acknowledged(seq, status)) {
      return;
    }
    Message<JsonObject> msg = awaitingAck == null ? null : awaitingAck.remove(seq);
    if (msg != null) {
      msg.reply(new JsonObject().put("seq", seq).put("status", status.name()));
    }
  }

  private void outbound(Message<JsonObject> msg) {
    if (!msg.isSend()) {
      // Commands are sent, never published: a publish here is the receipt address slmp.out.receipt
      // reaching a device whose id is "receipt".
      return;
    }
    if (msg.headers().get(Downlink.POLL_HEADER) != null) {
      // A command was queued for this device: send it now.
      if (gateway.downlink() != null) {
        claimCommands();
      }
      return;
    }
    JsonObject b = msg.body();
    byte[] topic;
    byte[] payload;
    boolean ack;
    try {
      topic = (b.getString("topic", "")).getBytes(StandardCharsets.UTF_8);
      payload = Base64.getDecoder().decode(b.getString("payload", ""));
      ack = b.getBoolean("ack", false);
    } catch (RuntimeException e) {
      msg.fail(
          Addresses.FAIL_BAD_REQUEST,
          "body must be {\"topic\": string, \"payload\": base64, \"ack\": bool}");
      return;
    }
    SentData sent;
    try {
      sent = connection.sendData(topic, payload, ack);
    } catch (IllegalArgumentException e) {
      msg.fail(Addresses.FAIL_BAD_REQUEST, e.getMessage());
      return;
    } catch (IllegalStateException e) {
      msg.fail(Addresses.FAIL_CONNECTION_LOST, "device connection closed");
      return;
    }
    long seq = sent.seq();
    messagesOut++;
    if (ack) {
      if (awaitingAck == null) {
        awaitingAck = new HashMap<>();
      }
      awaitingAck.put(seq, msg);
    } else {
      sent.written()
          .whenComplete(
              (v, err) -> {
                if (err == null) {
                  msg.reply(new JsonObject().put("seq", seq).put("status", "WRITTEN"));
                } else {
                  msg.fail(
                      Addresses.FAIL_CONNECTION_LOST,
                      "device connection lost before the write completed");
                }
              });
    }
  }

  @Override
  public void closed(CloseCode code, String reason, boolean byPeer) {
    SlmpMeters meters = gateway.meters();
    meters.closed(code);
    if (deviceId == null && connection.framesReceived() > 0) {
      meters.handshake(connection.suite(), resumeAttempt, code);
    }
    if (failedHandshake(code, byPeer)) {
      gateway.failedAuth().recordFailure(SourceLimiter.sourceOf(remoteHost()));
    }
    release();
    if (byPeer || inputEnded) {
      // Nothing unread can be left behind (the peer's CLOSE, or its FIN, was the last thing it
      // sent): the socket
      // closes once our last frame is written.
      socket.end();
    } else {
      lingerAndClose(vertx, socket);
    }
  }

  /**
   * After our CLOSE: half-close (FIN), read and discard what still arrives for a short while, then
   * close, so the kernel does not answer unread input with a reset that could destroy the CLOSE
   * (spec 2).
   */
  /**
   * Milliseconds on the monotonic clock, for every elapsed-time rule (idle sweep, handshake
   * deadline): a wall clock set back or forward (NTP, a VM resumed) must not end or prolong
   * connections.
   */
  static long monotonicMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  static void lingerAndClose(Vertx vertx, NetSocket socket) {
    int[] discarded = {0};
    socket.handler(
        buf -> {
          discarded[0] += buf.length();
          if (discarded[0] > LINGER_BYTES || HalfClose.isEndOfInput(buf)) {
            socket.close();
          }
        });
    socket.resume();
    socket
        .write(Buffer.buffer(0))
        .onComplete(
            ar -> {
              Channel ch = ((NetSocketInternal) socket).channelHandlerContext().channel();
              if (ch instanceof DuplexChannel dc && ch.isActive()) {
                dc.shutdownOutput();
              }
              vertx.setTimer(LINGER_MS, id -> socket.close());
            });
  }

  /** Ends everything the connection holds; idempotent (closing paths can overlap). */
  private void release() {
    if (finished) {
      return;
    }
    finished = true;
    vertx.cancelTimer(handshakeTimer);
    gateway.untrack(this);
    admission.closed();
    if (deviceId != null) {
      gateway.registry().release(deviceId, this);
    }
    if (outConsumer != null) {
      outConsumer.unregister();
    }
    if (commands != null) {
      commands.ended();
    }
    if (awaitingAck != null) {
      awaitingAck
          .values()
          .forEach(
              m ->
                  m.fail(
                      Addresses.FAIL_CONNECTION_LOST, "device connection closed before its ACK"));
      awaitingAck = null;
    }
  }

  /**
   * Whether a connection that ended before WELCOME/RESUMED counts as a failed handshake for its
   * source, like a failed AUTH (spec 9): the node spent Diffie-Hellman or a handshake slot on it. A
   * failed AUTH, a handshake timeout, and a device that gave up after its first frame (its CLOSE,
   * its FIN, or a lost socket) count; the node's own refusals (BUSY, SESSION_UNKNOWN, REPLAY, ...)
   * do not.
   */
  private boolean failedHandshake(CloseCode code, boolean byPeer) {
    if (deviceId != null) {
      return false;
    }
    if (code == CloseCode.TIMEOUT || code == CloseCode.AUTH_FAILED) {
      return !byPeer;
    }
    boolean gaveUp = byPeer || (inputEnded && code == CloseCode.NORMAL);
    return gaveUp && connection.framesReceived() > 0;
  }

  /** The socket closed (by us after a CLOSE, or by the peer without one). */
  private void finish() {
    if (!connection.isClosed()) {
      LOG.log(System.Logger.Level.DEBUG, "connection from " + remoteHost() + " lost without CLOSE");
      if (deviceId == null && connection.framesReceived() > 0 && !finished) {
        gateway.failedAuth().recordFailure(SourceLimiter.sourceOf(remoteHost()));
      }
    }
    release();
  }
}
