package dev.slmp.fuzz;

import static dev.slmp.fuzz.FuzzFixture.EARLY;

import dev.slmp.protocol.FrameType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds a case's unmutated flight from real frames: the vector handshake (HELLO, AUTH) or
 * resumption (RESUME, EARLY DATA) a device sends, or the HELLO_REPLY/WELCOME or RESUMED a server
 * sends, followed by traffic sealed with that connection's real keys. Most of it is valid; some of
 * it is wrong in a way only a key holder can make it wrong (a bad plaintext or flags inside a
 * genuine seal, a frame sealed with another connection's or direction's key, EARLY DATA out of
 * place), because a byte mutator alone cannot reach the checks that run after {@code open}.
 */
final class FuzzFlights {
  private static final String[] TOPICS = {
    "", "t", "sensors/temp", "ü/Ω-sensor", "📡/x", "a".repeat(255)
  };
  private static final byte[][] BAD_DATA = {
    {},
    {5, 'a', 'b', 'c', 'd'},
    {2, (byte) 0xC3, 0x28},
    {1, (byte) 0xFF},
    {3, (byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {2, (byte) 0xC0, (byte) 0x80},
    {4, (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {2, (byte) 0xE2, (byte) 0x82},
    {(byte) 255, 'x'}
  };
  private static final int[] BAD_DATA_FLAGS = {0x04, 0x08, 0x80, 0x05, 0xFF};

  private FuzzFlights() {}

  static void build(FuzzCase c, FuzzWorld w) {
    SplittableRandom r = c.rnd;
    FuzzFixture fx = c.fx;
    c.deferred = c.serverSide() && r.nextInt(10) < 3;
    if (c.serverSide()) {
      c.timeout = r.nextInt(20) == 0;
      for (int i = r.nextInt(10) < 3 ? 1 + r.nextInt(2) : 0; i > 0; i--) {
        c.commands.add(new FuzzCase.Sent(dataPlain(r), r.nextBoolean()));
      }
    }
    switch (c.kind) {
      case SERVER_FULL -> {
        c.maxBody = pick(r, 65_536, 1024, 1024, 2048);
        c.storeDown = r.nextInt(20) == 0;
        c.frames.add(fx.hello);
        c.frames.add(fx.auth);
        traffic(c, w, true, fx.tag(FuzzFixture.C2S), -1);
      }
      case SERVER_RESUME -> {
        c.maxBody = pick(r, 65_536, 1024, 1024, 2048);
        int s = r.nextInt(100);
        c.storeCounter =
            s < 85 ? 0 : s < 90 ? fx.resumeCounter() : s < 95 ? fx.resumeCounter() + 1 : 5;
        c.storeDown = r.nextInt(30) == 0;
        c.sessionExpired = r.nextInt(30) == 0;
        c.frames.add(fx.resume);
        int early = r.nextInt(4);
        for (int i = 1; i <= early; i++) {
          int flags = 0x02 | (r.nextBoolean() ? 1 : 0);
          c.frames.add(seal(c, w, fx.tag(EARLY), FrameType.DATA, flags, i, dataPlain(r)));
        }
        traffic(c, w, true, fx.tag(FuzzFixture.R_C2S), early);
      }
      case DEVICE_FULL -> {
        c.maxBody = pick(r, 65_536, 1024);
        c.frames.add(fx.helloReply);
        c.frames.add(fx.welcome);
        for (int i = r.nextInt(3); i > 0; i--) {
          c.pipelined.add(new FuzzCase.Sent(dataPlain(r), r.nextBoolean()));
        }
        c.sealed.put(new FuzzCase.Sealed(fx.tag(FuzzFixture.S2C), fx.welcome), fx.welcomePlain);
        int k = r.nextInt(10);
        if (k < 3) { // another WELCOME replaces the real one: other settings (lifetime 0: no
          // session), or malformed
          byte[] p = k == 0 ? new byte[pick(r, 0, 6, 8, 10)] : bytes(r, 9);
          if (k == 1) {
            Arrays.fill(p, 0, 4, (byte) 0);
          }
          c.frames.set(1, seal(c, w, fx.tag(FuzzFixture.S2C), FrameType.WELCOME, 0, 0, p));
        }
        traffic(c, w, false, fx.tag(FuzzFixture.S2C), -1);
      }
      case DEVICE_RESUME -> {
        c.maxBody = pick(r, 65_536, 1024);
        c.frames.add(fx.resumed);
        for (int i = r.nextInt(3); i > 0; i--) {
          c.earlyData.add(new FuzzCase.Sent(dataPlain(r), r.nextBoolean()));
        }
        traffic(c, w, false, fx.tag(FuzzFixture.R_S2C), -1);
      }
      default -> throw new IllegalStateException();
    }
  }

  /**
   * Appends 0 to 6 (sometimes up to 24) frames of traffic, seq from 1 under {@code tag}. {@code
   * earlySent} is the number of EARLY DATA already sent on a resumption (-1: not a resumption).
   */
  private static void traffic(FuzzCase c, FuzzWorld w, boolean c2s, int tag, int earlySent) {
    SplittableRandom r = c.rnd;
    int n = r.nextInt(10) == 0 ? r.nextInt(25) : r.nextInt(7);
    long seq = 0;
    long earlySeq = Math.max(0, earlySent);
    boolean resumed = c.kind == FuzzCase.Kind.DEVICE_RESUME;
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(100);
      if (k < 35) {
        c.frames.add(seal(c, w, tag, FrameType.DATA, r.nextInt(2), ++seq, dataPlain(r)));
      } else if (k < 47) {
        int flags = !c2s && resumed && r.nextBoolean() ? 0x02 : 0;
        // an ACK for one of the receiver's own DATA, mostly
        int mine = flags != 0 ? c.earlyData.size() : c2s ? c.commands.size() : c.pipelined.size();
        long acked = mine > 0 && r.nextInt(10) < 7 ? 1 + r.nextInt(mine) : r.nextInt(12);
        c.frames.add(seal(c, w, tag, FrameType.ACK, flags, ++seq, ackPlain(acked, r.nextInt(3))));
      } else if (k < 55) {
        c.frames.add(FuzzWire.frame(FrameType.PING, new byte[0]));
      } else if (k < 59) {
        c.frames.add(FuzzWire.frame(FrameType.PONG, new byte[0]));
      } else if (k < 71) {
        if (r.nextBoolean()) {
          c.frames.add(
              seal(
                  c,
                  w,
                  tag,
                  FrameType.DATA,
                  r.nextInt(2),
                  ++seq,
                  BAD_DATA[r.nextInt(BAD_DATA.length)]));
        } else {
          byte[] p =
              r.nextBoolean() ? ackPlain(1, 3 + r.nextInt(253)) : bytes(r, pick(r, 0, 4, 6, 9));
          c.frames.add(seal(c, w, tag, FrameType.ACK, 0, ++seq, p));
        }
      } else if (k < 77) {
        boolean data = r.nextBoolean();
        int flags =
            data
                ? (c2s ? pick(r, BAD_DATA_FLAGS) : pick(r, 0x02, 0x03, 0x04))
                : pick(r, 0x01, 0x02, 0x04, 0x80);
        c.frames.add(
            seal(
                c,
                w,
                tag,
                data ? FrameType.DATA : FrameType.ACK,
                flags,
                ++seq,
                data ? dataPlain(r) : ackPlain(1, 0)));
      } else if (k < 83) {
        int foreign =
            r.nextInt(3 * FuzzFixture.KINDS); // another key: other direction, connection or suite
        c.frames.add(seal(c, w, foreign, FrameType.DATA, r.nextInt(2), ++seq, dataPlain(r)));
      } else if (k < 88) {
        c.frames.add(bigData(c, w, tag, ++seq));
      } else if (k < 92) {
        byte[] reason = bytes(r, r.nextInt(6));
        byte[] body =
            r.nextInt(5) == 0 ? new byte[0] : concat(new byte[] {(byte) r.nextInt(16)}, reason);
        c.frames.add(FuzzWire.frame(FrameType.CLOSE, body));
      } else if (k < 96) {
        var pool = c2s ? w.c2sPool : w.s2cPool;
        c.frames.add(pool.get(r.nextInt(pool.size())));
      } else if (c2s) { // EARLY DATA where it is not allowed (or, on a resumption still in its
        // window, allowed)
        int t = earlySent >= 0 ? c.fx.tag(EARLY) : w.fixtures[r.nextInt(3)].tag(EARLY);
        c.frames.add(seal(c, w, t, FrameType.DATA, 0x02, ++earlySeq, dataPlain(r)));
      } else {
        c.frames.add(seal(c, w, tag, FrameType.DATA, 0x02, ++seq, dataPlain(r)));
      }
    }
  }

  /** A DATA whose body is within 16 bytes of the receiver's max_body, on either side of it. */
  private static byte[] bigData(FuzzCase c, FuzzWorld w, int tag, long seq) {
    int target = c.maxBody - 16 + c.rnd.nextInt(33);
    int overhead = 5 + c.fx.suite.sealedLength(6, 0);
    int plain = Math.max(1, target - overhead);
    byte[] p = new byte[plain];
    p[0] = 0;
    return seal(c, w, tag, FrameType.DATA, c.rnd.nextInt(2), seq, p);
  }

  static byte[] seal(
      FuzzCase c, FuzzWorld w, int tag, int type, int flags, long seq, byte[] plain) {
    byte[] f = w.seal(tag, type, flags, seq, plain, c.rnd);
    c.sealed.put(new FuzzCase.Sealed(tag, f), plain);
    return f;
  }

  static byte[] dataPlain(SplittableRandom r) {
    String topic = r.nextInt(3) == 0 ? TOPICS[r.nextInt(TOPICS.length)] : ascii(r, r.nextInt(20));
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    return concat(
        new byte[] {(byte) t.length},
        t,
        bytes(r, r.nextInt(10) == 0 ? r.nextInt(600) : r.nextInt(40)));
  }

  static byte[] ackPlain(long acked, int status) {
    return new byte[] {
      (byte) (acked >>> 24),
      (byte) (acked >>> 16),
      (byte) (acked >>> 8),
      (byte) acked,
      (byte) status
    };
  }

  private static String ascii(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append((char) (0x20 + r.nextInt(95)));
    }
    return sb.toString();
  }

  static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static int pick(SplittableRandom r, int... options) {
    return options[r.nextInt(options.length)];
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}
