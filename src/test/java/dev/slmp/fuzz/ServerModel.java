package dev.slmp.fuzz;

import static dev.slmp.protocol.CloseCode.AUTH_FAILED;
import static dev.slmp.protocol.CloseCode.BUSY;
import static dev.slmp.protocol.CloseCode.DECRYPT_FAILED;
import static dev.slmp.protocol.CloseCode.FRAME_TOO_LARGE;
import static dev.slmp.protocol.CloseCode.PROTOCOL_ERROR;
import static dev.slmp.protocol.CloseCode.REPLAY;
import static dev.slmp.protocol.CloseCode.SESSION_UNKNOWN;
import static dev.slmp.protocol.CloseCode.UNKNOWN_SERVER_KEY;
import static dev.slmp.protocol.CloseCode.UNSUPPORTED_SUITE;
import static dev.slmp.protocol.CloseCode.UNSUPPORTED_VERSION;

import dev.slmp.protocol.CloseCode;
import java.util.Arrays;

/**
 * The server's answer to a device's byte stream as spec revision 2 states it, written from the spec
 * text: framing and max_body (2), the state table (7), HELLO's and RESUME's check orders (5, 8),
 * AUTH's single failure code (5), the sealed-frame check order and EARLY rules (6, 7), ACKs of the
 * application (which accepts every DATA at once). It stops at the first fault: nothing after it may
 * be processed or answered.
 */
final class ServerModel {
  private static final int HELLO = 0x01;
  private static final int AUTH = 0x03;
  private static final int RESUME = 0x05;
  private static final int DATA = 0x10;
  private static final int ACK = 0x11;
  private static final int PING = 0x12;
  private static final int PONG = 0x13;
  private static final int CLOSE = 0x1F;
  static final byte[] PONG_FRAME = {PONG, 0, 0, 0};

  private enum State {
    START,
    HELLO_REPLY_SENT,
    ESTABLISHED
  }

  private final FuzzCase c;
  private final FuzzWorld w;
  private final FuzzExpect e = new FuzzExpect();
  private State state = State.START;

  /**
   * The fixture whose HELLO was answered (its AUTH is the only one that succeeds), or null for
   * another HELLO.
   */
  private FuzzFixture hs;

  private boolean earlyWindow;
  private int c2sTag;
  private int earlyTag;
  private int s2cTag;
  private long lastC2s;
  private long lastEarly;
  private long lastS2c;

  /** The seqs of the application's DATA that asked for an ACK and have not had one. */
  private final java.util.Set<Long> awaiting = new java.util.HashSet<>();

  private ServerModel(FuzzCase c, FuzzWorld w) {
    this.c = c;
    this.w = w;
  }

  static FuzzExpect expect(FuzzCase c, FuzzWorld w) {
    ServerModel m = new ServerModel(c, w);
    // Spec 8: the counter moves only on a RESUME that passes every check; an expired record may be
    // dropped.
    m.e.session =
        c.storeDown || c.sessionExpired
            ? null
            : java.util.List.of(c.storeCounter, c.fx.recordExpires());
    m.run();
    if (c.timeout && !m.e.peerClosed && !m.e.closedBySelf() && m.state != State.ESTABLISHED) {
      m.e.close(CloseCode.TIMEOUT, "handshake not complete when the timer fired"); // spec 9
    }
    m.e.established = m.state == State.ESTABLISHED;
    return m.e;
  }

  private void run() {
    FuzzWire.Split s = FuzzWire.split(c.stream, c.maxBody);
    for (FuzzWire.Frame f : s.frames()) {
      if (f.type() == CLOSE) {
        e.peerClosed = true;
        return;
      }
      CloseCode fault = frame(f);
      if (fault != null) {
        return;
      }
    }
    if (s.tooLarge()) {
      e.close(FRAME_TOO_LARGE, "length above max_body");
    }
  }

  /** Handles one frame; returns the CLOSE code when it is a fault (already recorded). */
  private CloseCode frame(FuzzWire.Frame f) {
    CloseCode code =
        switch (state) {
          case START ->
              f.type() == HELLO ? hello(f) : f.type() == RESUME ? resume(f) : PROTOCOL_ERROR;
          case HELLO_REPLY_SENT -> f.type() != AUTH ? PROTOCOL_ERROR : auth(f);
          case ESTABLISHED -> established(f);
        };
    if (code != null) {
      e.close(code, "frame " + f.type());
    }
    return code;
  }

  /** Spec 5: empty, version, length < 2, suite, body length, key_id, e_c (3.1), in that order. */
  private CloseCode hello(FuzzWire.Frame f) {
    byte[] b = f.body();
    if (b.length == 0) {
      return PROTOCOL_ERROR;
    }
    if (b[0] != 1) {
      return UNSUPPORTED_VERSION;
    }
    if (b.length < 2) {
      return PROTOCOL_ERROR;
    }
    int suite = b[1] & 0xFF;
    if (suite < 1 || suite > 3) {
      return UNSUPPORTED_SUITE;
    }
    boolean x25519 = suite == 3;
    int pub = x25519 ? 32 : 65;
    if (b.length != 6 + pub) {
      return PROTOCOL_ERROR;
    }
    if (!Arrays.equals(b, 2, 6, x25519 ? w.x25519KeyId : w.p256KeyId, 0, 4)) {
      return UNKNOWN_SERVER_KEY;
    }
    byte[] ec = Arrays.copyOfRange(b, 6, b.length);
    if (!(x25519 ? FuzzWire.validX25519(ec) : FuzzWire.validP256(ec))) {
      return PROTOCOL_ERROR;
    }
    hs = null;
    for (FuzzFixture fx : w.fixtures) {
      if (Arrays.equals(f.whole(), fx.hello)) {
        hs = fx;
      }
    }
    e.out.add(
        hs != null ? new FuzzExpect.Exact(hs.helloReply) : new FuzzExpect.Shape(0x02, pub + 32));
    state = State.HELLO_REPLY_SENT;
    return null;
  }

  /**
   * Spec 5: every failure of AUTH is AUTH_FAILED; only the AUTH of the answered vector HELLO
   * authenticates.
   */
  private CloseCode auth(FuzzWire.Frame f) {
    if (hs == null || !Arrays.equals(f.whole(), hs.auth)) {
      return AUTH_FAILED;
    }
    byte[] welcome = new byte[9];
    long lifetime = c.storeDown ? 0 : FuzzWorld.LIFETIME;
    welcome[0] = (byte) (lifetime >>> 24);
    welcome[1] = (byte) (lifetime >>> 16);
    welcome[2] = (byte) (lifetime >>> 8);
    welcome[3] = (byte) lifetime;
    welcome[4] = (byte) (FuzzWorld.KEEPALIVE >>> 8);
    welcome[5] = (byte) FuzzWorld.KEEPALIVE;
    welcome[6] = (byte) (c.maxBody >>> 16);
    welcome[7] = (byte) (c.maxBody >>> 8);
    welcome[8] = (byte) c.maxBody;
    c2sTag = hs.tag(FuzzFixture.C2S);
    s2cTag = hs.tag(FuzzFixture.S2C);
    if (!c.storeDown
        && hs == c.fx) { // the new session (the vector's session_id) replaces the stored one
      e.sessionReplaced = false;
      e.session = java.util.List.of(0L, c.fx.resumeClock + FuzzWorld.LIFETIME);
    } else if (!c.storeDown && hs.deviceId.equals(c.fx.deviceId)) {
      e.session = null; // one live session per device: the device's stored session is deleted
      e.sessionReplaced = true;
    }
    e.out.add(new FuzzExpect.Sealed(0x04, 0, 0, welcome, s2cTag));
    state = State.ESTABLISHED;
    commands();
    return null;
  }

  /**
   * Spec 8: empty, version, length < 2, suite, 70 bytes; then the store (BUSY when it cannot
   * answer), session unknown, expired or of another suite, binder, counter. Only the case's session
   * is stored, at the case's counter; the binder covers every other byte, so only the vector RESUME
   * itself has a right binder.
   */
  private CloseCode resume(FuzzWire.Frame f) {
    byte[] b = f.body();
    if (b.length == 0) {
      return PROTOCOL_ERROR;
    }
    if (b[0] != 1) {
      return UNSUPPORTED_VERSION;
    }
    if (b.length < 2) {
      return PROTOCOL_ERROR;
    }
    int suite = b[1] & 0xFF;
    if (suite < 1 || suite > 3) {
      return UNSUPPORTED_SUITE;
    }
    if (b.length != 70) {
      return PROTOCOL_ERROR;
    }
    if (c.storeDown) {
      return BUSY;
    }
    if (!Arrays.equals(b, 2, 18, c.fx.sessionId, 0, 16)
        || c.sessionExpired
        || suite != c.fx.suite.id()) {
      return SESSION_UNKNOWN;
    }
    if (!Arrays.equals(f.whole(), c.fx.resume)) {
      return SESSION_UNKNOWN;
    }
    if (c.fx.resumeCounter() <= c.storeCounter) {
      return REPLAY;
    }
    e.out.add(new FuzzExpect.Exact(c.fx.resumed));
    e.session =
        java.util.List.of(
            c.fx.resumeCounter(), c.fx.recordExpires()); // a resumption does not extend it
    c2sTag = c.fx.tag(FuzzFixture.R_C2S);
    s2cTag = c.fx.tag(FuzzFixture.R_S2C);
    earlyTag = c.fx.tag(FuzzFixture.EARLY);
    earlyWindow = true;
    state = State.ESTABLISHED;
    commands();
    return null;
  }

  /**
   * The application's DATA for the device, sent once the connection is established, before anything
   * else.
   */
  private void commands() {
    for (FuzzCase.Sent s : c.commands) {
      e.out.add(
          new FuzzExpect.Sealed(DATA, s.ackRequested() ? 1 : 0, ++lastS2c, s.plaintext(), s2cTag));
      if (s.ackRequested()) {
        awaiting.add(lastS2c);
      }
    }
  }

  private CloseCode established(FuzzWire.Frame f) {
    switch (f.type()) {
      case DATA, ACK -> {
        return sealed(f);
      }
      case PING -> {
        if (f.body().length != 0) {
          return PROTOCOL_ERROR;
        }
        e.out.add(new FuzzExpect.Exact(PONG_FRAME));
        return null;
      }
      case PONG -> {
        return f.body().length != 0 ? PROTOCOL_ERROR : null;
      }
      default -> {
        return PROTOCOL_ERROR;
      }
    }
  }

  /** Spec 6: length < 5, flags (and the EARLY rules of 7), seq, open, plaintext, in that order. */
  private CloseCode sealed(FuzzWire.Frame f) {
    byte[] b = f.body();
    boolean data = f.type() == DATA;
    if (b.length < 5) {
      return PROTOCOL_ERROR;
    }
    int flags = b[0] & 0xFF;
    boolean early = (flags & 0x02) != 0;
    if ((flags & ~(data ? 0x03 : 0x00)) != 0 || early && !earlyWindow) {
      return PROTOCOL_ERROR;
    }
    if (!early) {
      earlyWindow = false;
    }
    long seq = FuzzWire.u32(b, 1);
    if (seq != (early ? lastEarly : lastC2s) + 1) {
      return REPLAY;
    }
    if (early) {
      lastEarly = seq;
    } else {
      lastC2s = seq;
    }
    byte[] p = c.opens(early ? earlyTag : c2sTag, f.whole());
    if (p == null) {
      return DECRYPT_FAILED;
    }
    if (!data) {
      if (p.length != 5 || (p[4] & 0xFF) > 2) {
        return PROTOCOL_ERROR;
      }
      long acked = FuzzWire.u32(p, 0);
      if (awaiting.remove(acked)) { // an ACK that matches no outstanding DATA is ignored
        e.acknowledged.add(java.util.List.of(acked, 0L, (long) p[4]));
      }
      return null;
    }
    if (p.length < 1 || 1 + (p[0] & 0xFF) > p.length || !FuzzWire.utf8(p, 1, p[0] & 0xFF)) {
      return PROTOCOL_ERROR;
    }
    int tl = p[0] & 0xFF;
    boolean ackRequested = (flags & 0x01) != 0;
    e.delivered.add(
        new FuzzExpect.Message(
            seq,
            early,
            ackRequested,
            new String(p, 1, tl, java.nio.charset.StandardCharsets.UTF_8),
            Arrays.copyOfRange(p, 1 + tl, p.length)));
    if (ackRequested) {
      e.out.add(
          new FuzzExpect.Sealed(
              ACK, early ? 0x02 : 0, ++lastS2c, FuzzFlights.ackPlain(seq, 0), s2cTag));
    }
    return null;
  }
}
