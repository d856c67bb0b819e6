package dev.slmp.connection;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.Ack;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Auth;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Data;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.Frames;
import dev.slmp.protocol.Hello;
import dev.slmp.protocol.HelloReply;
import dev.slmp.protocol.KeyMaterial;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.protocol.Resume;
import dev.slmp.protocol.Resumed;
import dev.slmp.protocol.SealedFrames;
import dev.slmp.protocol.SlmpException;
import dev.slmp.protocol.Welcome;
import dev.slmp.session.DeviceTicket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The device side of one SLMP/1 connection, without I/O (spec sections 5 to 8). Start it with
 * {@link #startFull()} or {@link #startResume}; DATA may be sent right after (pipelined behind
 * AUTH, or as EARLY DATA behind RESUME). Confined to one thread.
 */
public final class DeviceConnection {
  private static final System.Logger LOG = System.getLogger(DeviceConnection.class.getName());

  /** Where the connection's output goes. */
  public interface Listener {
    void write(byte[] bytes);

    /**
     * Bytes whose write the caller waits for (a DATA from {@link #sendData}): completes once
     * written.
     */
    default CompletionStage<Void> writeTracked(byte[] bytes) {
      write(bytes);
      return CompletableFuture.completedFuture(null);
    }

    /**
     * WELCOME or RESUMED arrived; {@code ticket} is the session to keep (null when the server keeps
     * none).
     */
    default void established(DeviceConnection connection, DeviceTicket ticket) {}

    /** A DATA from the server; answer with {@link #acknowledge} when it asks for an ACK. */
    default void message(InboundMessage message) {}

    /** The server acknowledged a DATA of ours ({@code early}: an EARLY DATA's seq). */
    default void acknowledged(long seq, boolean early, AckStatus status) {}

    /** The connection is over; {@code code} is null for a CLOSE with no code. */
    void closed(CloseCode code, String reason, boolean byPeer);
  }

  private enum State {
    NEW,
    HELLO_SENT,
    AUTH_SENT,
    RESUME_SENT,
    ESTABLISHED,
    CLOSED
  }

  private final DeviceIdentity identity;
  private final Randomness randomness;
  private final Listener listener;
  private final FrameDecoder decoder;
  private final Set<Long> awaitingAck = new HashSet<>();
  private final Set<Long> awaitingEarlyAck = new HashSet<>();
  private final java.util.function.LongSupplier clock;

  private State state = State.NEW;
  private Suite suite;
  private byte[] ephemeralPrivate;
  private byte[] helloFrame;
  private byte[] resumeFrame;
  private DeviceTicket ticket;
  private byte[] pendingRs;
  private byte[] pendingSessionId;
  private boolean resumed;
  private Sealer c2sSeal;
  private Sealer earlySeal;
  private Sealer s2cOpen;
  private long lastC2s;
  private long lastEarly;
  private long lastS2c;

  public DeviceConnection(
      DeviceIdentity identity, Randomness randomness, int maxBody, Listener listener) {
    this(identity, randomness, maxBody, () -> System.currentTimeMillis() / 1000, listener);
  }

  public DeviceConnection(
      DeviceIdentity identity,
      Randomness randomness,
      int maxBody,
      java.util.function.LongSupplier clockSeconds,
      Listener listener) {
    this.identity = identity;
    this.randomness = randomness;
    this.listener = listener;
    this.decoder = new FrameDecoder(maxBody);
    this.clock = clockSeconds;
  }

  /** Sends HELLO (full handshake). */
  public void startFull() {
    requireState(State.NEW);
    suite = identity.suite();
    DhGroup group = suite.group();
    ephemeralPrivate = randomness.ephemeralPrivate(group);
    helloFrame = new Hello(suite, identity.keyId(), group.publicKey(ephemeralPrivate)).frame();
    state = State.HELLO_SENT;
    listener.write(helloFrame);
  }

  /**
   * Sends RESUME for {@code ticket}, whose {@code lastCounter} is the counter to use: the caller
   * got it from {@link DeviceTicket#nextCounter()} and stored it first.
   */
  public void startResume(DeviceTicket ticket) {
    requireState(State.NEW);
    this.ticket = ticket;
    suite = ticket.suite();
    byte[] nonceC = randomness.nonce16();
    resumeFrame =
        Resume.bind(suite, ticket.sessionId(), ticket.lastCounter(), nonceC, ticket.rs()).frame();
    earlySeal =
        KeySchedule.earlyKey(suite, ticket.rs(), ticket.lastCounter(), nonceC)
            .sealer(suite, randomness);
    state = State.RESUME_SENT;
    listener.write(resumeFrame);
  }

  private void requireState(State s) {
    if (state != s) {
      throw new IllegalStateException("connection is " + state + ", not " + s);
    }
  }

  /** Feeds bytes from the socket. */
  public void receive(byte[] data, int off, int len) {
    if (state == State.CLOSED) {
      return;
    }
    try {
      decoder.feed(
          data,
          off,
          len,
          f -> {
            handle(f);
            return state != State.CLOSED;
          });
    } catch (SlmpException e) {
      close(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      if (state != State.CLOSED) {
        LOG.log(System.Logger.Level.ERROR, "internal error on a device connection; closing it", e);
      }
      close(CloseCode.INTERNAL_ERROR, "internal error");
    }
  }

  public void receive(byte[] data) {
    receive(data, 0, data.length);
  }

  private void handle(Frame f) throws SlmpException {
    int type = f.type();
    if (type == FrameType.CLOSE) {
      Close c = Close.decode(f.body());
      state = State.CLOSED;
      listener.closed(c.closeCode(), c.reason(), true);
      return;
    }
    State expected =
        type == FrameType.HELLO_REPLY
            ? State.HELLO_SENT
            : type == FrameType.WELCOME
                ? State.AUTH_SENT
                : type == FrameType.RESUMED ? State.RESUME_SENT : State.ESTABLISHED;
    if (state != expected) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, FrameType.name(type) + " not allowed in state " + state);
    }
    switch (type) {
      case FrameType.HELLO_REPLY -> onHelloReply(f.body());
      case FrameType.WELCOME -> onWelcome(f.body());
      case FrameType.RESUMED -> onResumed(f.body());
      case FrameType.DATA -> onData(f.body());
      case FrameType.ACK -> onAck(f.body());
      case FrameType.PING -> {
        requireEmpty(f);
        listener.write(Frames.PONG);
      }
      case FrameType.PONG -> requireEmpty(f);
      default ->
          throw new SlmpException(CloseCode.PROTOCOL_ERROR, FrameType.name(type) + " not allowed");
    }
  }

  private static void requireEmpty(Frame f) throws SlmpException {
    if (f.body().length != 0) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, FrameType.name(f.type()) + " with a body");
    }
  }

  private void onHelloReply(byte[] b) throws SlmpException {
    DhGroup group = suite.group();
    HelloReply reply = HelloReply.decode(b, group);
    byte[] esPub = reply.ephemeral();
    byte[] ee = null;
    byte[] es = null;
    byte[] hs;
    try {
      ee = group.agree(ephemeralPrivate, esPub);
      es = group.agreeWithStatic(ephemeralPrivate, identity.serverPublicKey());
      hs = KeySchedule.handshakeSecret(KeySchedule.th1(helloFrame, esPub), ee, es);
    } catch (InvalidKeyException e) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "invalid server ephemeral key");
    } finally {
      Bytes.wipe(ee, es, ephemeralPrivate); // one HELLO_REPLY per connection: used up either way
      ephemeralPrivate = null;
    }
    byte[] confirm = KeySchedule.serverConfirm(hs, KeySchedule.th1(helloFrame, esPub));
    if (!Bytes.constantTimeEquals(confirm, reply.confirm())) {
      Bytes.wipe(hs);
      throw new SlmpException(CloseCode.AUTH_FAILED, "server confirm wrong");
    }
    byte[] replyFrame = reply.frame();
    byte[] th2 = Hashes.sha256(helloFrame, replyFrame);
    byte[] id = identity.deviceId().getBytes(StandardCharsets.UTF_8);
    Auth claim = new Auth(id, KeySchedule.proof(identity.deviceKey(), th2));
    byte[] authFrame = claim.seal(KeySchedule.authKey(suite, hs).sealer(suite, randomness));
    byte[] ms = KeySchedule.masterSecret(Hashes.sha256(helloFrame, replyFrame, authFrame), hs);
    useKeys(KeySchedule.c2s(suite, ms), KeySchedule.s2c(suite, ms));
    pendingRs = KeySchedule.resumptionSecret(ms);
    pendingSessionId = KeySchedule.sessionId(ms);
    Bytes.wipe(hs, ms);
    state = State.AUTH_SENT;
    listener.write(authFrame);
  }

  private void useKeys(KeyMaterial c2s, KeyMaterial s2c) {
    c2sSeal = c2s.sealer(suite, randomness);
    s2cOpen = s2c.sealer(suite, randomness);
  }

  /** The sealed-frame checks of spec 6, in order; returns the plaintext. */
  private byte[] openSealed(int type, byte[] b, int allowedFlags) throws SlmpException {
    if (b.length < SealedFrames.PREFIX) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, FrameType.name(type) + " body shorter than 5 bytes");
    }
    int flags = SealedFrames.flags(b);
    if ((flags & ~allowedFlags) != 0) {
      throw new SlmpException(
          CloseCode.PROTOCOL_ERROR, FrameType.name(type) + " flags not allowed here");
    }
    long seq = SealedFrames.seq(b);
    long due = type == FrameType.WELCOME ? 0 : lastS2c + 1;
    if (seq != due) {
      throw new SlmpException(
          CloseCode.REPLAY, "sequence number " + seq + " where " + due + " was due");
    }
    byte[] plain;
    try {
      plain =
          s2cOpen.open(
              seq,
              SealedFrames.aad(type, flags, seq),
              b,
              SealedFrames.PREFIX,
              b.length - SealedFrames.PREFIX);
    } catch (OpenFailedException e) {
      throw new SlmpException(CloseCode.DECRYPT_FAILED, FrameType.name(type) + " did not open");
    }
    lastS2c = seq;
    return plain;
  }

  private void onWelcome(byte[] b) throws SlmpException {
    Welcome w = Welcome.decode(openSealed(FrameType.WELCOME, b, 0));
    long expires = clock.getAsLong() + w.lifetime();
    ticket =
        w.lifetime() == 0
            ? null
            : new DeviceTicket(
                pendingSessionId, pendingRs, suite, 0, w.keepalive(), w.maxBody(), expires);
    pendingRs = null;
    state = State.ESTABLISHED;
    listener.established(this, ticket);
  }

  private void onResumed(byte[] b) throws SlmpException {
    Resumed r = Resumed.decode(b);
    byte[] thR = Hashes.sha256(resumeFrame, r.nonce());
    byte[] ms = KeySchedule.masterSecret(thR, ticket.rs());
    if (!Bytes.constantTimeEquals(KeySchedule.serverConfirm(ms, thR), r.confirm())) {
      throw new SlmpException(CloseCode.AUTH_FAILED, "server confirm wrong");
    }
    useKeys(KeySchedule.c2s(suite, ms), KeySchedule.s2c(suite, ms));
    Bytes.wipe(ms);
    resumed = true;
    lastS2c = 0;
    state = State.ESTABLISHED;
    listener.established(this, ticket);
  }

  private void onData(byte[] b) throws SlmpException {
    Data d = Data.decode(openSealed(FrameType.DATA, b, SealedFrames.FLAG_ACK_REQUESTED));
    listener.message(
        new InboundMessage(
            identity.deviceId(),
            ticket == null ? null : ticket.sessionId(),
            d.topic(),
            d.payload(),
            SealedFrames.seq(b),
            false,
            (SealedFrames.flags(b) & SealedFrames.FLAG_ACK_REQUESTED) != 0));
  }

  private void onAck(byte[] b) throws SlmpException {
    Ack a = Ack.decode(openSealed(FrameType.ACK, b, resumed ? SealedFrames.FLAG_EARLY : 0));
    boolean early = (SealedFrames.flags(b) & SealedFrames.FLAG_EARLY) != 0;
    if ((early ? awaitingEarlyAck : awaitingAck).remove(a.ackedSeq())) {
      listener.acknowledged(a.ackedSeq(), early, a.status());
    }
  }

  /**
   * Sends a DATA: as EARLY DATA while RESUME is unanswered, otherwise ordinary (also pipelined
   * behind AUTH). Returns its seq (early seqs count separately) and the completion of its write.
   */
  public SentData sendData(String topic, byte[] payload, boolean ackRequested) {
    boolean early = state == State.RESUME_SENT;
    if (!early && state != State.AUTH_SENT && state != State.ESTABLISHED) {
      throw new IllegalStateException("cannot send DATA in state " + state);
    }
    long last = early ? lastEarly : lastC2s;
    if (last == 0xFFFFFFFFL) {
      close(CloseCode.NORMAL, "sequence counter exhausted");
      throw new IllegalStateException("sequence counter exhausted");
    }
    long seq = last + 1;
    int flags =
        (ackRequested ? SealedFrames.FLAG_ACK_REQUESTED : 0)
            | (early ? SealedFrames.FLAG_EARLY : 0);
    byte[] plain = Data.encode(topic.getBytes(StandardCharsets.UTF_8), payload);
    byte[] frame =
        SealedFrames.seal(early ? earlySeal : c2sSeal, FrameType.DATA, flags, seq, plain);
    if (early) {
      lastEarly = seq;
    } else {
      lastC2s = seq;
    }
    if (ackRequested) {
      (early ? awaitingEarlyAck : awaitingAck).add(seq);
    }
    return new SentData(seq, listener.writeTracked(frame));
  }

  /** Answers a server DATA that asked for an ACK. */
  public void acknowledge(InboundMessage m, AckStatus status) {
    if (state != State.ESTABLISHED || !m.ackRequested()) {
      return;
    }
    if (lastC2s == 0xFFFFFFFFL) {
      close(CloseCode.NORMAL, "sequence counter exhausted");
      return;
    }
    long seq = ++lastC2s;
    listener.write(SealedFrames.seal(c2sSeal, FrameType.ACK, 0, seq, Ack.encode(m.seq(), status)));
  }

  public void ping() {
    if (state == State.ESTABLISHED) {
      listener.write(Frames.PING);
    }
  }

  /** Sends CLOSE and ends the connection. */
  public void close(CloseCode code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    listener.write(Frames.close(code, reason));
    listener.closed(code, reason, false);
  }

  public boolean isEstablished() {
    return state == State.ESTABLISHED;
  }

  public boolean isClosed() {
    return state == State.CLOSED;
  }

  public boolean isResumed() {
    return resumed;
  }

  /** DATA sent with ACK_REQUESTED and not yet acknowledged (ordinary + early). */
  public int unacknowledged() {
    return awaitingAck.size() + awaitingEarlyAck.size();
  }

  public DeviceTicket ticket() {
    return ticket;
  }

  @Override
  public String toString() {
    return "DeviceConnection[" + state + ", " + identity.deviceId() + "]";
  }
}
