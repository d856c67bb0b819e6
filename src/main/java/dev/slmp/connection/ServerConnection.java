package dev.slmp.connection;

import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerHandshaker.Authenticated;
import dev.slmp.handshake.ServerHandshaker.HandshakeState;
import dev.slmp.handshake.ServerHandshaker.HelloResult;
import dev.slmp.handshake.ServerHandshaker.Resumed;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.protocol.Ack;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Data;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.Frames;
import dev.slmp.protocol.SealedFrames;
import dev.slmp.protocol.SlmpException;
import dev.slmp.protocol.Welcome;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The server side of one SLMP/1 connection, without I/O: bytes in through {@link #receive}, bytes
 * and events out through a {@link Listener}. It enforces the state table of spec section 7 and the
 * sealed-frame checks of section 6, and asks a {@link ServerHandshaker} for the handshake work.
 * Frames that arrive while that work is pending are queued in order (a device may pipeline DATA
 * behind AUTH or RESUME) and dropped unread if the handshake fails. Confined to one thread: the
 * handshaker's stages must complete on it.
 */
public final class ServerConnection {
  private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());

  /** Where the connection's output goes. */
  public interface Listener {
    /** Bytes for the socket. */
    void write(byte[] bytes);

    /**
     * Bytes for the socket whose write the caller waits for (a DATA from {@link #sendData}): the
     * stage completes when the transport has written them, or fails when it could not.
     */
    default CompletionStage<Void> writeTracked(byte[] bytes) {
      write(bytes);
      return CompletableFuture.completedFuture(null);
    }

    /** WELCOME or RESUMED was sent. */
    default void established(ServerConnection connection) {}

    /** An accepted DATA; answer it with {@link #acknowledge} when it asked for an ACK. */
    void message(InboundMessage message);

    /** The device acknowledged a DATA sent with {@link #sendData} and ACK_REQUESTED. */
    default void acknowledged(long seq, AckStatus status) {}

    /**
     * Frames that waited for handshake or crypto work have all been handled: reading may resume.
     */
    default void drained() {}

    /**
     * The connection is over (a CLOSE was sent, or the peer's CLOSE arrived): half-close and drain
     * the socket.
     */
    void closed(CloseCode code, String reason, boolean byPeer);
  }

  private enum State {
    START,
    HELLO_REPLY_SENT,
    ESTABLISHED,
    CLOSED
  }

  private static final long MAX_SEQ = 0xFFFFFFFFL;

  private final ServerHandshaker handshaker;
  private final RecordCrypto crypto;
  private final ServerSettings settings;
  private final Randomness randomness;
  private final Listener listener;
  private final FrameDecoder decoder;
  // Made on first use: an idle established connection holds neither (heap per connection).
  private ArrayDeque<Frame> queued;
  private Set<Long> awaitingAck;

  private State state = State.START;
  private boolean stepPending;
  private boolean draining;
  private long queuedBytes;

  /**
   * Complete frames received: the node's idle timer counts frames, not bytes (spec 6: "any frame").
   */
  private long framesReceived;

  // What the connection still owes the device once its input has ended (it half-closed after its
  // flight).
  private boolean inputEnded;

  /**
   * The node asked to hold frames (too many deliveries unanswered): they queue until it lets go.
   */
  private boolean held;

  private int acksOwed;
  private int sealsInFlight;
  private HandshakeState handshake;
  private String deviceId;
  private Suite suite;

  /** The suite the first frame (HELLO or RESUME) named, before one is agreed; null if none. */
  private Suite named;

  private byte[] sessionId;
  private long lifetime;
  private boolean resumed;
  private boolean earlyWindow;
  private Sealer c2sOpen;
  private Sealer earlyOpen;
  private Sealer s2cSeal;
  private long lastC2s;
  private long lastEarly;
  private long lastS2c;

  public ServerConnection(
      ServerHandshaker handshaker,
      ServerSettings settings,
      Randomness randomness,
      Listener listener) {
    this(handshaker, RecordCrypto.INLINE, settings, randomness, listener);
  }

  public ServerConnection(
      ServerHandshaker handshaker,
      RecordCrypto crypto,
      ServerSettings settings,
      Randomness randomness,
      Listener listener) {
    this.handshaker = handshaker;
    this.crypto = crypto;
    this.settings = settings;
    this.randomness = randomness;
    this.listener = listener;
    this.decoder = new FrameDecoder(settings.maxBody());
  }

  /** Feeds bytes from the socket. */
  public void receive(byte[] data, int off, int len) {
    if (state == State.CLOSED) {
      return;
    }
    try {
      decoder.feed(data, off, len, this::onFrame);
    } catch (SlmpException e) {
      close(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      internalError(e);
    }
  }

  public void receive(byte[] data) {
    receive(data, 0, data.length);
  }

  private boolean onFrame(Frame f) throws SlmpException {
    framesReceived++;
    if (stepPending || held || (queued != null && !queued.isEmpty())) {
      if (queued == null) {
        queued = new ArrayDeque<>();
      }
      queued.add(f);
      queuedBytes += Frame.HEADER + f.body().length;
    } else {
      handle(f);
    }
    return state != State.CLOSED;
  }

  private void handle(Frame f) throws SlmpException {
    int type = f.type();
    if (type == FrameType.CLOSE) {
      peerClosed(f.body());
      return;
    }
    switch (state) {
      case START:
        named = namedSuite(f.body());
        if (type == FrameType.HELLO) {
          step(handshaker.hello(f.encode(), randomness), this::helloDone);
        } else if (type == FrameType.RESUME) {
          step(handshaker.resume(f.encode(), randomness), this::resumeDone);
        } else {
          throw unexpected(f);
        }
        break;
      case HELLO_REPLY_SENT:
        if (type != FrameType.AUTH) {
          throw unexpected(f);
        }
        step(handshaker.auth(handshake, f.encode()), this::authDone);
        break;
      case ESTABLISHED:
        established(f);
        break;
      default:
        break;
    }
  }

  private void established(Frame f) throws SlmpException {
    switch (f.type()) {
      case FrameType.DATA:
        onData(f.body());
        break;
      case FrameType.ACK:
        onAck(f.body());
        break;
      case FrameType.PING:
        requireEmpty(f);
        listener.write(Frames.PONG);
        break;
      case FrameType.PONG:
        requireEmpty(f);
        break;
      default:
        throw unexpected(f);
    }
  }

  private static void requireEmpty(Frame f) throws SlmpException {
    if (f.body().length != 0) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, FrameType.name(f.type()) + " with a body");
    }
  }

  private SlmpException unexpected(Frame f) {
    return new SlmpException(
        CloseCode.PROTOCOL_ERROR, FrameType.name(f.type()) + " not allowed in state " + state);
  }

  // ---- handshake steps
  // -------------------------------------------------------------------------------

  private interface Step<T> {
    void done(T value) throws SlmpException;
  }

  private <T> void step(CompletionStage<T> stage, Step<T> next) {
    stepPending = true;
    stage.whenComplete(
        (value, err) -> {
          stepPending = false;
          if (state == State.CLOSED) {
            return;
          }
          try {
            if (err != null) {
              Throwable cause =
                  err instanceof CompletionException && err.getCause() != null
                      ? err.getCause()
                      : err;
              if (cause instanceof SlmpException se) {
                throw se;
              }
              if (cause instanceof OpenFailedException) {
                throw new SlmpException(CloseCode.DECRYPT_FAILED, "sealed frame did not open");
              }
              internalError(cause);
              drain();
              return;
            }
            next.done(value);
          } catch (SlmpException e) {
            close(e.code(), e.getMessage());
          } catch (RuntimeException e) {
            internalError(e);
          }
          drain();
        });
  }

  /** Handles queued frames in order; iterative, so a long pipelined burst cannot grow the stack. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      Frame f;
      while (!stepPending
          && !held
          && state != State.CLOSED
          && queued != null
          && (f = queued.poll()) != null) {
        queuedBytes -= Frame.HEADER + f.body().length;
        try {
          handle(f);
        } catch (SlmpException e) {
          close(e.code(), e.getMessage());
        } catch (RuntimeException e) {
          internalError(e);
        }
      }
    } finally {
      draining = false;
    }
    if (!stepPending && !held && (queued == null || queued.isEmpty()) && state != State.CLOSED) {
      listener.drained();
      finishIfInputEnded();
    }
  }

  /**
   * Holds (true) or lets go of (false) the frames that arrive: held frames queue, in order, and
   * count in {@link #queuedBytes()}; letting go handles them. The node holds a connection whose
   * deliveries it cannot take yet (backpressure), so a device that floods cannot grow what the node
   * has in flight.
   */
  public void hold(boolean hold) {
    if (held == hold) {
      return;
    }
    held = hold;
    if (!hold) {
      drain();
    }
  }

  /**
   * The device half-closed its side (TCP FIN) after its flight, as small TCP stacks do: everything
   * it sent is still handled and every answer it is owed (HELLO_REPLY, WELCOME/RESUMED, ACKs, or
   * the CLOSE of the first fault) is written; then the connection closes with {@code
   * CLOSE(NORMAL)}, or with {@code PROTOCOL_ERROR} when the input ended inside a frame. Nothing
   * more can arrive, so nothing more is waited for.
   */
  public void inputEnded() {
    if (state == State.CLOSED) {
      return;
    }
    inputEnded = true;
    finishIfInputEnded();
  }

  private void finishIfInputEnded() {
    if (!inputEnded
        || state == State.CLOSED
        || stepPending
        || draining
        || acksOwed > 0
        || sealsInFlight > 0
        || (queued != null && !queued.isEmpty())) {
      return;
    }
    if (decoder.pending() > 0) {
      close(CloseCode.PROTOCOL_ERROR, "connection ended inside a frame");
    } else {
      close(CloseCode.NORMAL, "device half-closed its side");
    }
  }

  private void helloDone(HelloResult r) {
    handshake = r.state();
    state = State.HELLO_REPLY_SENT;
    listener.write(r.helloReplyFrame());
  }

  private void authDone(Authenticated a) {
    handshake = null;
    deviceId = a.deviceId();
    suite = a.suite();
    sessionId = a.sessionId();
    lifetime = a.lifetime();
    c2sOpen = a.c2s().sealer(suite, randomness);
    s2cSeal = a.s2c().sealer(suite, randomness);
    state = State.ESTABLISHED;
    byte[] welcome =
        new Welcome(lifetime, settings.keepaliveSeconds(), settings.maxBody()).encode();
    sealAndWrite(FrameType.WELCOME, 0, 0, welcome, null);
    listener.established(this);
  }

  private void resumeDone(Resumed r) {
    deviceId = r.deviceId();
    suite = r.suite();
    sessionId = r.sessionId();
    lifetime = r.lifetime();
    resumed = true;
    earlyWindow = true;
    c2sOpen = r.c2s().sealer(suite, randomness);
    earlyOpen = r.early().sealer(suite, randomness);
    s2cSeal = r.s2c().sealer(suite, randomness);
    state = State.ESTABLISHED;
    listener.write(r.resumedFrame());
    listener.established(this);
  }

  // ---- sealed frames
  // ---------------------------------------------------------------------------------

  /**
   * Checks of spec 6 in their order (length, flags, seq), then opens the frame through {@link
   * RecordCrypto} and hands the plaintext to {@code next}; frames arriving meanwhile wait in order.
   */
  private void openSealed(int type, byte[] b, int allowedFlags, Step<byte[]> next)
      throws SlmpException {
    if (b.length < SealedFrames.PREFIX) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, FrameType.name(type) + " body shorter than 5 bytes");
    }
    int flags = SealedFrames.flags(b);
    boolean early = (flags & SealedFrames.FLAG_EARLY) != 0;
    if ((flags & ~allowedFlags) != 0 || (early && !earlyWindow)) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, FrameType.name(type) + " flags not allowed here");
    }
    if (!early) {
      earlyWindow = false;
    }
    long seq = SealedFrames.seq(b);
    long expected = (early ? lastEarly : lastC2s) + 1;
    if (seq != expected) {
      throw new SlmpException(
          CloseCode.REPLAY, "sequence number " + seq + " where " + expected + " was due");
    }
    if (early) {
      lastEarly = seq;
    } else {
      lastC2s = seq;
    }
    step(
        crypto.open(
            early ? earlyOpen : c2sOpen,
            seq,
            SealedFrames.aad(type, flags, seq),
            b,
            SealedFrames.PREFIX,
            b.length - SealedFrames.PREFIX),
        next);
  }

  private void onData(byte[] b) throws SlmpException {
    openSealed(
        FrameType.DATA,
        b,
        SealedFrames.FLAG_ACK_REQUESTED | SealedFrames.FLAG_EARLY,
        p -> deliver(b, p));
  }

  private void deliver(byte[] b, byte[] p) throws SlmpException {
    int flags = SealedFrames.flags(b);
    Data d = Data.decode(p);
    if ((flags & SealedFrames.FLAG_ACK_REQUESTED) != 0) {
      acksOwed++;
    }
    listener.message(
        new InboundMessage(
            deviceId,
            sessionId,
            d.topic(),
            d.payload(),
            SealedFrames.seq(b),
            (flags & SealedFrames.FLAG_EARLY) != 0,
            (flags & SealedFrames.FLAG_ACK_REQUESTED) != 0));
  }

  private void onAck(byte[] b) throws SlmpException {
    openSealed(
        FrameType.ACK,
        b,
        0,
        p -> {
          Ack a = Ack.decode(p);
          if (awaitingAck != null && awaitingAck.remove(a.ackedSeq())) {
            listener.acknowledged(a.ackedSeq(), a.status());
          }
        });
  }

  /**
   * Seals through {@link RecordCrypto} and writes; writes stay in seq order and stop once closed.
   * {@code written}, when not null, is told what happened to the frame (a caller of {@link
   * #sendData} waits for it).
   */
  private void sealAndWrite(
      int type, int flags, long seq, byte[] plaintext, CompletableFuture<Void> written) {
    sealsInFlight++;
    crypto
        .seal(s2cSeal, seq, SealedFrames.aad(type, flags, seq), plaintext)
        .whenComplete(
            (sealedBody, err) -> {
              sealsInFlight--;
              if (state == State.CLOSED) {
                if (written != null) {
                  written.completeExceptionally(
                      new IllegalStateException("connection closed before the frame was written"));
                }
                return;
              }
              if (err != null) {
                if (written != null) {
                  written.completeExceptionally(
                      new IllegalStateException("the frame could not be sealed"));
                }
                internalError(err);
                return;
              }
              byte[] frame = SealedFrames.frame(type, flags, seq, sealedBody);
              if (written == null) {
                listener.write(frame);
              } else {
                listener
                    .writeTracked(frame)
                    .whenComplete(
                        (v, e) -> {
                          if (e == null) {
                            written.complete(null);
                          } else {
                            written.completeExceptionally(e);
                          }
                        });
              }
              finishIfInputEnded();
            });
  }

  private long nextS2c() {
    if (lastS2c == MAX_SEQ) {
      close(CloseCode.NORMAL, "sequence counter exhausted");
      return -1;
    }
    return ++lastS2c;
  }

  // ---- application side
  // ------------------------------------------------------------------------------

  /** Answers a DATA that asked for an ACK (others are ignored); after close, nothing is sent. */
  public void acknowledge(InboundMessage m, AckStatus status) {
    if (!m.ackRequested()) {
      return;
    }
    acksOwed--;
    if (state != State.ESTABLISHED) {
      return;
    }
    long seq = nextS2c();
    if (seq < 0) {
      return;
    }
    int flags = m.early() ? SealedFrames.FLAG_EARLY : 0;
    sealAndWrite(FrameType.ACK, flags, seq, Ack.encode(m.seq(), status), null);
  }

  /**
   * Sends a DATA to the device; returns its seq and the completion of its write. With {@code
   * ackRequested}, {@link Listener#acknowledged} reports the device's ACK.
   *
   * @throws IllegalStateException when the connection is not established
   * @throws IllegalArgumentException when the topic is over 255 bytes or the body over the device's
   *     limit
   */
  public SentData sendData(byte[] topic, byte[] payload, boolean ackRequested) {
    if (state != State.ESTABLISHED) {
      throw new IllegalStateException("connection is not established");
    }
    byte[] plain = SealedFrames.dataPlaintext(topic, payload);
    int body = SealedFrames.PREFIX + suite.sealedLength(6, plain.length);
    if (body > settings.deviceMaxBody()) {
      throw new IllegalArgumentException(
          "DATA body of " + body + " bytes exceeds the device limit " + settings.deviceMaxBody());
    }
    long seq = nextS2c();
    if (seq < 0) {
      throw new IllegalStateException("connection closed: sequence counter exhausted");
    }
    int flags = ackRequested ? SealedFrames.FLAG_ACK_REQUESTED : 0;
    if (ackRequested) {
      if (awaitingAck == null) {
        awaitingAck = new HashSet<>();
      }
      awaitingAck.add(seq);
    }
    CompletableFuture<Void> written = new CompletableFuture<>();
    sealAndWrite(FrameType.DATA, flags, seq, plain, written);
    return new SentData(seq, written);
  }

  /**
   * A bug or a failed dependency, not the device's doing: logged once, with its stack trace
   * (exceptions here never carry key material), then {@code CLOSE(INTERNAL_ERROR)}.
   */
  private void internalError(Throwable cause) {
    if (state == State.CLOSED) {
      return;
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "internal error on a connection"
            + (deviceId != null ? " of device " + deviceId : "")
            + "; closing it INTERNAL_ERROR",
        cause);
    close(CloseCode.INTERNAL_ERROR, "internal error");
  }

  /** Sends CLOSE and ends the connection; nothing more is read or sent. */
  public void close(CloseCode code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    queued = null;
    queuedBytes = 0;
    listener.write(Frames.close(code, reason));
    listener.closed(code, reason, false);
  }

  /** The handshake timer fired: {@code CLOSE(TIMEOUT)} unless WELCOME or RESUMED was sent. */
  public void handshakeTimeout() {
    if (state != State.ESTABLISHED) {
      close(CloseCode.TIMEOUT, "handshake not complete in time");
    }
  }

  private void peerClosed(byte[] body) {
    Close c = Close.decode(body);
    state = State.CLOSED;
    queued = null;
    queuedBytes = 0;
    listener.closed(c.closeCode(), c.reason(), true);
  }

  // ---- what the node needs to know
  // -------------------------------------------------------------------

  public boolean isEstablished() {
    return state == State.ESTABLISHED;
  }

  public boolean isClosed() {
    return state == State.CLOSED;
  }

  /**
   * Bytes of frames waiting for handshake or crypto work; the caller pauses reading while this is
   * large.
   */
  public long queuedBytes() {
    return queuedBytes;
  }

  /** Complete frames received so far (the idle timer is reset by frames, not by bytes). */
  public long framesReceived() {
    return framesReceived;
  }

  /** True while handshake work is in progress: the caller should stop reading until it is done. */
  public boolean isAwaitingHandshake() {
    return stepPending;
  }

  public String deviceId() {
    return deviceId;
  }

  /**
   * The suite of this connection: the agreed one once established; before that the one its HELLO or
   * RESUME named (so a failed handshake is counted under the suite it tried), or null when its
   * first frame named none this implementation knows.
   */
  public Suite suite() {
    return suite != null ? suite : named;
  }

  /** The suite byte of a HELLO or RESUME body ({@code version u8 | suite u8 | …}), if readable. */
  private static Suite namedSuite(byte[] body) {
    return body.length >= 2 && (body[0] & 0xFF) == dev.slmp.protocol.Hello.VERSION
        ? Suite.byId(body[1] & 0xFF)
        : null;
  }

  public byte[] sessionId() {
    return sessionId == null ? null : sessionId.clone();
  }

  public boolean isResumed() {
    return resumed;
  }

  /** The session's remaining lifetime in seconds at the handshake (0: no session kept). */
  public long lifetime() {
    return lifetime;
  }

  @Override
  public String toString() {
    return "ServerConnection[" + state + (deviceId != null ? ", " + deviceId : "") + "]";
  }
}
