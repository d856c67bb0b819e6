package dev.slmp.fuzz;

import dev.slmp.protocol.FrameType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutates a case's flight (about one case in eight is left unchanged) and cuts the result into
 * reads. Frame mutations know where the header, the sealed prefix (flags, seq) and the sealed value
 * are, so they can aim at each check of spec sections 2 and 6; stream mutations and the cutting
 * into reads do not care about frames.
 */
final class FuzzMutator {
  private static final int[] TYPES = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x1F, 0x20, 0xFF
  };

  private FuzzMutator() {}

  static void mutate(FuzzCase c, FuzzWorld w) {
    SplittableRandom r = c.rnd;
    List<byte[]> fr = new ArrayList<>();
    c.frames.forEach(f -> fr.add(f.clone()));
    int k = r.nextInt(100);
    int n = k < 12 ? 0 : k < 70 ? 1 : k < 90 ? 2 : 3 + r.nextInt(3);
    for (int i = 0; i < n && !fr.isEmpty(); i++) {
      frameMutation(c, w, fr, r);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fr.forEach(out::writeBytes);
    byte[] s = out.toByteArray();
    if (n > 0 && r.nextInt(10) == 0 && s.length > 0) {
      int pos = r.nextInt(s.length);
      switch (r.nextInt(3)) {
        case 0 -> {
          s = java.util.Arrays.copyOf(s, pos);
          c.mutations.add("stream cut at " + pos);
        }
        case 1 -> {
          s =
              FuzzFlights.concat(
                  java.util.Arrays.copyOf(s, pos),
                  new byte[] {(byte) r.nextInt(256)},
                  java.util.Arrays.copyOfRange(s, pos, s.length));
          c.mutations.add("stream byte inserted at " + pos);
        }
        default -> {
          s =
              FuzzFlights.concat(
                  java.util.Arrays.copyOf(s, pos),
                  java.util.Arrays.copyOfRange(s, pos + 1, s.length));
          c.mutations.add("stream byte " + pos + " deleted");
        }
      }
    }
    c.stream = s;
    c.reads = reads(r, s.length);
  }

  private static void frameMutation(FuzzCase c, FuzzWorld w, List<byte[]> fr, SplittableRandom r) {
    int i = r.nextInt(fr.size());
    byte[] f = fr.get(i);
    int op = r.nextInt(16);
    String what = "#" + i + " ";
    switch (op) {
      case 0 -> {
        int p = r.nextInt(f.length);
        f[p] ^= (byte) (1 << r.nextInt(8));
        what += "bit flip at " + p;
      }
      case 1 -> {
        int p = r.nextInt(f.length);
        f[p] = (byte) r.nextInt(256);
        what += "byte " + p + " set";
      }
      case 2 -> { // inside the sealed value (or the body of an unsealed frame)
        int from = sealedType(f) ? 9 : 4;
        if (f.length <= from) {
          return;
        }
        int p = from + r.nextInt(f.length - from);
        f[p] ^= (byte) (1 << r.nextInt(8));
        what += "sealed-region bit flip at " + p;
      }
      case 3 -> {
        f[0] = (byte) TYPES[r.nextInt(TYPES.length)];
        what += "type set to " + (f[0] & 0xFF);
      }
      case 4 -> {
        int len = f.length - 4;
        int v =
            FuzzFlights.pick(
                r,
                0,
                1,
                4,
                Math.max(0, len - 1),
                len + 1,
                c.maxBody - 1,
                c.maxBody,
                c.maxBody + 1,
                0xFFFFFF,
                r.nextInt(len + 9));
        f[1] = (byte) (v >>> 16);
        f[2] = (byte) (v >>> 8);
        f[3] = (byte) v;
        what += "length field set to " + v;
      }
      case 5 -> {
        int cut =
            1 + r.nextInt(Math.max(1, Math.min(f.length - 4, r.nextBoolean() ? 8 : f.length)));
        if (cut > f.length - 4) {
          return;
        }
        fr.set(i, FuzzWire.frame(f[0] & 0xFF, java.util.Arrays.copyOfRange(f, 4, f.length - cut)));
        what += "body truncated by " + cut;
      }
      case 6 -> {
        byte[] extra = FuzzFlights.bytes(r, 1 + r.nextInt(3));
        fr.set(
            i,
            FuzzWire.frame(
                f[0] & 0xFF,
                FuzzFlights.concat(java.util.Arrays.copyOfRange(f, 4, f.length), extra)));
        what += extra.length + " trailing bytes";
      }
      case 7, 14 -> {
        int to = i + 1 + r.nextInt(fr.size() - i);
        fr.add(to, f.clone());
        what += "duplicated to " + to;
      }
      case 8 -> {
        if (i + 1 >= fr.size()) {
          return;
        }
        fr.set(i, fr.get(i + 1));
        fr.set(i + 1, f);
        what += "swapped with the next";
      }
      case 9 -> {
        fr.remove(i);
        what += "dropped";
      }
      case 10 -> {
        var pool = c.serverSide() ? w.c2sPool : w.s2cPool;
        fr.add(i, pool.get(r.nextInt(pool.size())).clone());
        what += "vector frame injected";
      }
      case 11 -> {
        if (!sealedType(f) || f.length < 9) {
          return;
        }
        int bit = FuzzFlights.pick(r, 0x01, 0x02, 0x02, 0x04, 0x80);
        f[4] ^= (byte) bit;
        what += "flag " + bit + " toggled";
      }
      case 12 -> {
        if (!sealedType(f) || f.length < 9) {
          return;
        }
        long seq = FuzzWire.u32(f, 5);
        long[] options = {0, seq - 1, seq + 1, seq - 2, seq + 2, 0xFFFFFFFFL};
        long v = options[r.nextInt(options.length)] & 0xFFFFFFFFL;
        f[5] = (byte) (v >>> 24);
        f[6] = (byte) (v >>> 16);
        f[7] = (byte) (v >>> 8);
        f[8] = (byte) v;
        what += "seq set to " + v;
      }
      case 13 -> {
        int t =
            FuzzFlights.pick(
                r, FrameType.PING, FrameType.PONG, FrameType.CLOSE, 0x07, FrameType.HELLO);
        byte[] body = FuzzFlights.bytes(r, r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0);
        fr.add(i, FuzzWire.frame(t, body));
        what += "frame of type " + t + " (" + body.length + " bytes) inserted";
      }
      default -> { // a handshake frame of another suite's connection
        FuzzFixture o = w.fixtures[r.nextInt(3)];
        byte[] g =
            c.serverSide()
                ? FuzzFlights.pick(r, 0, 1, 2) == 0 ? o.hello : r.nextBoolean() ? o.auth : o.resume
                : FuzzFlights.pick(r, 0, 1, 2) == 0
                    ? o.helloReply
                    : r.nextBoolean() ? o.welcome : o.resumed;
        fr.add(i, g.clone());
        what += "handshake frame of suite " + o.suite.id() + " injected";
      }
    }
    c.mutations.add(what);
  }

  private static boolean sealedType(byte[] f) {
    int t = f[0] & 0xFF;
    return t == FrameType.DATA || t == FrameType.ACK || t == FrameType.WELCOME;
  }

  /** One read, 1-byte reads, small reads or large reads. */
  private static int[] reads(SplittableRandom r, int len) {
    int mode = r.nextInt(100);
    List<Integer> out = new ArrayList<>();
    int left = len;
    while (left > 0) {
      int n =
          mode < 30
              ? left
              : mode < 45 && len <= 4096 ? 1 : mode < 75 ? 1 + r.nextInt(17) : 1 + r.nextInt(left);
      n = Math.min(n, left);
      out.add(n);
      left -= n;
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
