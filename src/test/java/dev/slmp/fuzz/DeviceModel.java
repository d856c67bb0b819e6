package dev.slmp.fuzz;

import static dev.slmp.protocol.CloseCode.AUTH_FAILED;
import static dev.slmp.protocol.CloseCode.DECRYPT_FAILED;
import static dev.slmp.protocol.CloseCode.FRAME_TOO_LARGE;
import static dev.slmp.protocol.CloseCode.PROTOCOL_ERROR;
import static dev.slmp.protocol.CloseCode.REPLAY;

import dev.slmp.protocol.CloseCode;
import java.util.Arrays;

/**
 * The device's answer to a server's byte stream as spec revision 2 states it: its own first flight
 * (HELLO or RESUME, the vector's bytes), framing and max_body (2), the device rows of the state
 * table (7), HELLO_REPLY (length, e_s by 3.1, then confirm: AUTH_FAILED), WELCOME (a sealed frame
 * at seq 0 with a 9-byte plaintext), RESUMED (48 bytes, confirm), then DATA (no EARLY flag from a
 * server), ACK (EARLY only on a resumed connection), PING/PONG. Its application acknowledges every
 * DATA that asks for it.
 */
final class DeviceModel {
  private static final int HELLO_REPLY = 0x02;
  private static final int WELCOME = 0x04;
  private static final int RESUMED = 0x06;
  private static final int DATA = 0x10;
  private static final int ACK = 0x11;
  private static final int PING = 0x12;
  private static final int PONG = 0x13;
  private static final int CLOSE = 0x1F;

  private enum State {
    HELLO_SENT,
    AUTH_SENT,
    RESUME_SENT,
    ESTABLISHED
  }

  private final FuzzCase c;
  private final FuzzExpect e = new FuzzExpect();
  private State state;
  private boolean resumed;
  private int s2cTag;
  private int c2sTag;
  private long lastS2c;
  private long lastC2s;
  private final java.util.Set<Long> awaitingEarly = new java.util.HashSet<>();
  private final java.util.Set<Long> awaiting = new java.util.HashSet<>();

  /**
   * The stream offset at which the read that delivered the accepted HELLO_REPLY ends (-1: not yet).
   */
  private long pipelineAt = -1;

  private DeviceModel(FuzzCase c) {
    this.c = c;
  }

  static FuzzExpect expect(FuzzCase c) {
    DeviceModel m = new DeviceModel(c);
    m.run();
    m.e.established = m.state == State.ESTABLISHED;
    m.e.unacknowledged = m.awaitingEarly.size() + m.awaiting.size();
    return m.e;
  }

  private void run() {
    boolean full = c.kind == FuzzCase.Kind.DEVICE_FULL;
    e.out.add(new FuzzExpect.Exact(full ? c.fx.hello : c.fx.resume));
    long seq = 0;
    for (FuzzCase.Sent s : c.earlyData) {
      int flags = 0x02 | (s.ackRequested() ? 1 : 0);
      e.out.add(
          new FuzzExpect.Sealed(DATA, flags, ++seq, s.plaintext(), c.fx.tag(FuzzFixture.EARLY)));
      if (s.ackRequested()) {
        awaitingEarly.add(seq);
      }
    }
    state = full ? State.HELLO_SENT : State.RESUME_SENT;
    FuzzWire.Split s = FuzzWire.split(c.stream, c.maxBody);
    long end = 0;
    for (FuzzWire.Frame f : s.frames()) {
      end += f.whole().length;
      if (pipelineAt >= 0 && end > pipelineAt) {
        pipeline(); // that read is over and the device still open: its application sends behind
        // AUTH
      }
      if (f.type() == CLOSE) {
        e.peerClosed = true;
        return;
      }
      CloseCode code = frame(f);
      if (code != null) {
        e.close(code, "frame " + f.type());
        return;
      }
      if (f.type() == HELLO_REPLY) {
        pipelineAt = readEnd(end);
      }
    }
    if (pipelineAt >= 0 && (!s.tooLarge() || c.stream.length - s.leftover() + 4 > pipelineAt)) {
      pipeline();
    }
    if (s.tooLarge()) {
      e.close(FRAME_TOO_LARGE, "length above max_body");
    }
  }

  /** The end of the read in which stream offset {@code end} arrives. */
  private long readEnd(long end) {
    long pos = 0;
    for (int n : c.reads) {
      pos += n;
      if (pos >= end) {
        return pos;
      }
    }
    return pos;
  }

  /**
   * The DATA the device's application sends once its AUTH is out (pipelined, spec 5), on the
   * ordinary counter.
   */
  private void pipeline() {
    pipelineAt = -1;
    for (FuzzCase.Sent s : c.pipelined) {
      e.out.add(
          new FuzzExpect.Sealed(DATA, s.ackRequested() ? 1 : 0, ++lastC2s, s.plaintext(), c2sTag));
      if (s.ackRequested()) {
        awaiting.add(lastC2s);
      }
    }
  }

  private CloseCode frame(FuzzWire.Frame f) {
    int t = f.type();
    State due =
        t == HELLO_REPLY
            ? State.HELLO_SENT
            : t == WELCOME ? State.AUTH_SENT : t == RESUMED ? State.RESUME_SENT : State.ESTABLISHED;
    if (state != due) {
      return PROTOCOL_ERROR;
    }
    byte[] b = f.body();
    switch (t) {
      case HELLO_REPLY -> {
        int pub = c.fx.publicKeyLength();
        if (b.length != pub + 32) {
          return PROTOCOL_ERROR;
        }
        byte[] es = Arrays.copyOf(b, pub);
        if (!(pub == 32 ? FuzzWire.validX25519(es) : FuzzWire.validP256(es))) {
          return PROTOCOL_ERROR;
        }
        if (!Arrays.equals(f.whole(), c.fx.helloReply)) {
          return AUTH_FAILED; // another e_s or confirm: the confirm cannot verify
        }
        e.out.add(new FuzzExpect.Exact(c.fx.auth));
        state = State.AUTH_SENT;
        s2cTag = c.fx.tag(FuzzFixture.S2C);
        c2sTag = c.fx.tag(FuzzFixture.C2S);
        return null;
      }
      case WELCOME -> {
        CloseCode code = sealed(f, 0, 0);
        if (code != null) {
          return code;
        }
        byte[] p = c.opens(s2cTag, f.whole());
        if (p.length != 9) {
          return PROTOCOL_ERROR;
        }
        long lifetime = FuzzWire.u32(p, 0);
        int keepalive = (p[4] & 0xFF) << 8 | p[5] & 0xFF;
        e.ticket =
            java.util.Optional.of(
                lifetime == 0
                    ? "none"
                    : FuzzExpect.ticket(
                        c.fx.sessionId,
                        c.fx.rs(),
                        c.fx.suite.id(),
                        0,
                        keepalive,
                        FuzzWire.u24(p, 6),
                        FuzzTarget.DEVICE_CLOCK + lifetime));
        state = State.ESTABLISHED;
        return null;
      }
      case RESUMED -> {
        if (b.length != 48) {
          return PROTOCOL_ERROR;
        }
        if (!Arrays.equals(f.whole(), c.fx.resumed)) {
          return AUTH_FAILED;
        }
        state = State.ESTABLISHED;
        resumed = true;
        e.ticket =
            java.util.Optional.of(
                FuzzExpect.ticket(
                    c.fx.sessionId,
                    c.fx.rs(),
                    c.fx.suite.id(),
                    c.fx.resumeCounter(),
                    c.fx.ticket.getInteger("keepalive"),
                    c.fx.ticket.getInteger("max_body"),
                    Long.MAX_VALUE));
        s2cTag = c.fx.tag(FuzzFixture.R_S2C);
        c2sTag = c.fx.tag(FuzzFixture.R_C2S);
        return null;
      }
      case DATA -> {
        CloseCode code = sealed(f, 0x01, lastS2c + 1);
        if (code != null) {
          return code;
        }
        byte[] p = c.opens(s2cTag, f.whole());
        if (p.length < 1 || 1 + (p[0] & 0xFF) > p.length || !FuzzWire.utf8(p, 1, p[0] & 0xFF)) {
          return PROTOCOL_ERROR;
        }
        int tl = p[0] & 0xFF;
        long seq = lastS2c;
        boolean ackRequested = (b[0] & 0x01) != 0;
        e.delivered.add(
            new FuzzExpect.Message(
                seq,
                false,
                ackRequested,
                new String(p, 1, tl, java.nio.charset.StandardCharsets.UTF_8),
                Arrays.copyOfRange(p, 1 + tl, p.length)));
        if (ackRequested) {
          e.out.add(new FuzzExpect.Sealed(ACK, 0, ++lastC2s, FuzzFlights.ackPlain(seq, 0), c2sTag));
        }
        return null;
      }
      case ACK -> {
        CloseCode code = sealed(f, resumed ? 0x02 : 0, lastS2c + 1);
        if (code != null) {
          return code;
        }
        byte[] p = c.opens(s2cTag, f.whole());
        if (p.length != 5 || (p[4] & 0xFF) > 2) {
          return PROTOCOL_ERROR;
        }
        long acked = FuzzWire.u32(p, 0);
        boolean early = (b[0] & 0x02) != 0;
        if ((early ? awaitingEarly : awaiting)
            .remove(acked)) { // an ACK for nothing outstanding is ignored
          e.acknowledged.add(java.util.List.of(acked, early ? 1L : 0L, (long) p[4]));
        }
        return null;
      }
      case PING -> {
        if (b.length != 0) {
          return PROTOCOL_ERROR;
        }
        e.out.add(new FuzzExpect.Exact(ServerModel.PONG_FRAME));
        return null;
      }
      case PONG -> {
        return b.length != 0 ? PROTOCOL_ERROR : null;
      }
      default -> {
        return PROTOCOL_ERROR;
      }
    }
  }

  /** Spec 6: length < 5, flags, seq (exactly {@code due}), open; on success the seq is taken. */
  private CloseCode sealed(FuzzWire.Frame f, int allowedFlags, long due) {
    byte[] b = f.body();
    if (b.length < 5) {
      return PROTOCOL_ERROR;
    }
    if (((b[0] & 0xFF) & ~allowedFlags) != 0) {
      return PROTOCOL_ERROR;
    }
    if (FuzzWire.u32(b, 1) != due) {
      return REPLAY;
    }
    if (c.opens(s2cTag, f.whole()) == null) {
      return DECRYPT_FAILED;
    }
    lastS2c = due;
    return null;
  }
}
