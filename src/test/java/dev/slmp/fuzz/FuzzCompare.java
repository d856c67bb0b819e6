package dev.slmp.fuzz;

import dev.slmp.crypto.Bytes;
import java.util.Arrays;
import java.util.List;

/**
 * Compares what the side under test did with what its model expects: the frames it wrote (exactly,
 * or only their shape where the model is a bound, or as sealed frames opened with the vector keys),
 * exactly one CLOSE and nothing after it, the close reported to the node, the messages handed to
 * the application, and no exception. Returns the first difference, or null.
 */
final class FuzzCompare {
  private FuzzCompare() {}

  static String problem(FuzzCase c, FuzzWorld w, FuzzExpect e, FuzzTarget.Actual a) {
    if (a.thrown != null) {
      return "uncaught exception " + a.thrown;
    }
    if (a.writeAfterClose) {
      return "wrote after the connection closed";
    }
    byte[] out = a.written.toByteArray();
    FuzzWire.Split s = FuzzWire.split(out, 0xFFFFFF);
    if (s.leftover() != 0) {
      return "wrote a partial frame";
    }
    List<FuzzWire.Frame> got = s.frames();
    if (c.deferred && !got.isEmpty() && FuzzWire.split(c.stream, c.maxBody).tooLarge()) {
      FuzzWire.Frame last = got.get(got.size() - 1);
      if (last.type() == 0x1F && last.body().length > 0 && last.body()[0] == 0x08) {
        e = raced(e); // the header over max_body was read while earlier frames waited for handshake
        // or crypto work
      }
    }
    boolean tooLarge =
        e.closedBySelf()
            && ((FuzzExpect.Close) e.out.get(e.out.size() - 1))
                .codes()
                .contains(dev.slmp.protocol.CloseCode.FRAME_TOO_LARGE);
    String order = c.deferred ? deferredOrder(w, e, got, tooLarge) : exactOrder(w, e, got);
    if (order != null) {
      return order;
    }
    if (e.closedBySelf()) {
      int code = got.get(got.size() - 1).body()[0] & 0xFF;
      if (a.closes.size() != 1
          || a.closedByPeer
          || a.closeCode == null
          || a.closeCode.code() != code) {
        return "closed with CLOSE " + code + " but reported " + a.closes;
      }
    } else if (e.peerClosed) {
      if (a.closes.size() != 1 || !a.closedByPeer) {
        return "the peer's CLOSE was reported as " + a.closes;
      }
    } else if (!a.closes.isEmpty()) {
      return "closed without a CLOSE the model expects: " + a.closes;
    }
    // Behind pending crypto, a header over max_body closes at once (spec 2): earlier frames may go
    // unhandled.
    boolean prefix = c.deferred && tooLarge;
    if (prefix
        ? a.delivered.size() > e.delivered.size()
        : e.delivered.size() != a.delivered.size()) {
      return "delivered " + a.delivered.size() + " messages, expected " + e.delivered.size();
    }
    for (int i = 0; i < a.delivered.size(); i++) {
      FuzzExpect.Message x = e.delivered.get(i);
      FuzzExpect.Message y = a.delivered.get(i);
      if (x.seq() != y.seq()
          || x.early() != y.early()
          || x.ackRequested() != y.ackRequested()
          || !x.topic().equals(y.topic())
          || !Arrays.equals(x.payload(), y.payload())) {
        return "message "
            + (i + 1)
            + " differs: expected seq "
            + x.seq()
            + " early "
            + x.early()
            + " topic '"
            + x.topic()
            + "', got seq "
            + y.seq()
            + " early "
            + y.early()
            + " topic '"
            + y.topic()
            + "'";
      }
    }
    List<List<Long>> acks = a.acknowledged;
    if (prefix
        ? acks.size() > e.acknowledged.size()
            || !acks.equals(e.acknowledged.subList(0, acks.size()))
        : !acks.equals(e.acknowledged)) {
      return "acknowledged reports " + acks + ", expected " + e.acknowledged;
    }
    boolean closed = e.closedBySelf() || e.peerClosed;
    if (a.closed != closed || !e.raced && a.established != (e.established && !closed)) {
      return "the connection says closed "
          + a.closed
          + ", established "
          + a.established
          + "; the model: closed "
          + closed
          + ", established "
          + (e.established && !closed);
    }
    if (a.pendingWork) {
      return "work or frames still pending after every handshake and crypto request completed";
    }
    if (a.unacknowledged != e.unacknowledged) {
      return "unacknowledged() is " + a.unacknowledged + ", expected " + e.unacknowledged;
    }
    if (c.serverSide() && e.sessionReplaced && a.session != null) {
      return "the stored session is "
          + a.session
          + "; expected it deleted (one live session per device)";
    }
    if (c.serverSide() && e.session != null && !e.session.equals(a.session)) {
      return "the stored session is "
          + a.session
          + " [resume_counter, expires], expected "
          + e.session;
    }
    if (!c.serverSide()
        && !e.ticket.equals(
            a.tickets.isEmpty()
                ? java.util.Optional.empty()
                : java.util.Optional.of(String.join(" + ", a.tickets)))) {
      return "the device's ticket is "
          + a.tickets
          + ", expected "
          + e.ticket.orElse("no established()");
    }
    return null;
  }

  /**
   * The bound for a flight with a header over max_body behind pending work: the decoder checks each
   * header as soon as it is complete (spec 2), before the frames queued ahead of it are handled, so
   * FRAME_TOO_LARGE may overtake the model's outcome; what comes before it is then a prefix of the
   * model's answers.
   */
  private static FuzzExpect raced(FuzzExpect e) {
    FuzzExpect r = new FuzzExpect();
    e.out.stream().filter(o -> !(o instanceof FuzzExpect.Close)).forEach(r.out::add);
    r.delivered.addAll(e.delivered);
    r.acknowledged.addAll(e.acknowledged);
    r.session = null; // handshake work may still have finished after the CLOSE
    r.raced = true;
    r.close(
        dev.slmp.protocol.CloseCode.FRAME_TOO_LARGE,
        "header over max_body read ahead of pending work");
    return r;
  }

  /** Synchronous handshake and crypto: exactly the model's frames, in its order. */
  private static String exactOrder(FuzzWorld w, FuzzExpect e, List<FuzzWire.Frame> got) {
    for (int i = 0; i < Math.max(got.size(), e.out.size()); i++) {
      if (i >= got.size()) {
        return "missing answer "
            + (i + 1)
            + ": expected "
            + show(e.out.get(i))
            + ", wrote "
            + got.size()
            + " frames";
      }
      FuzzWire.Frame f = got.get(i);
      if (i >= e.out.size()) {
        return "unexpected answer " + (i + 1) + ": " + show(f) + " after the expected " + show(e);
      }
      String p = differs(w, e.out.get(i), f);
      if (p != null) {
        return "answer " + (i + 1) + ": " + p;
      }
    }
    return null;
  }

  /**
   * Handshake and crypto that answer later (the model is a bound here): unsealed answers
   * (HELLO_REPLY, RESUMED, PONG, the CLOSE) exactly and in order; sealed ones (WELCOME, ACK) in
   * order among themselves, each no earlier than its cause, and only a prefix of them once the
   * connection closed (a seal still pending at the CLOSE is dropped: the device resends what was
   * not acknowledged). A header over max_body closes at once, so there the unsealed answers before
   * the CLOSE may also be a prefix.
   */
  private static String deferredOrder(
      FuzzWorld w, FuzzExpect e, List<FuzzWire.Frame> got, boolean tooLarge) {
    List<FuzzExpect.Out> unsealed = new java.util.ArrayList<>();
    List<FuzzExpect.Out> sealed = new java.util.ArrayList<>();
    List<Integer> causes = new java.util.ArrayList<>();
    for (FuzzExpect.Out o : e.out) {
      if (o instanceof FuzzExpect.Sealed) {
        sealed.add(o);
        causes.add(unsealed.size());
      } else {
        unsealed.add(o);
      }
    }
    int u = 0;
    int s = 0;
    for (FuzzWire.Frame f : got) {
      boolean isSealed = f.type() == 0x04 || f.type() == 0x10 || f.type() == 0x11;
      if (isSealed) {
        if (s >= sealed.size()) {
          return "unexpected sealed answer " + show(f) + "; expected " + show(e);
        }
        if (u < causes.get(s)) {
          return "sealed answer " + (s + 1) + " written before its cause: " + show(f);
        }
        String p = differs(w, sealed.get(s++), f);
        if (p != null) {
          return "sealed answer " + s + ": " + p;
        }
      } else {
        if (u >= unsealed.size()) {
          return "unexpected answer " + show(f) + "; expected " + show(e);
        }
        if (tooLarge && f.type() == 0x1F && u < unsealed.size() - 1) {
          u =
              unsealed.size()
                  - 1; // FRAME_TOO_LARGE overtook answers still waiting for handshake work
        }
        String p = differs(w, unsealed.get(u++), f);
        if (p != null) {
          return "answer " + u + ": " + p;
        }
      }
    }
    if (u < unsealed.size()) {
      return "missing answer: expected "
          + show(unsealed.get(u))
          + "; wrote "
          + got.size()
          + " frames";
    }
    if (s < sealed.size() && !e.closedBySelf() && !e.peerClosed) {
      return "missing sealed answer on an open connection: expected " + show(sealed.get(s));
    }
    return null;
  }

  private static String differs(FuzzWorld w, FuzzExpect.Out x, FuzzWire.Frame f) {
    if (x instanceof FuzzExpect.Exact ex) {
      return Arrays.equals(ex.frame(), f.whole())
          ? null
          : "expected " + show(x) + ", wrote " + show(f);
    }
    if (x instanceof FuzzExpect.Shape sh) {
      boolean ok = sh.type() == f.type() && sh.bodyLength() == f.body().length;
      return ok ? null : "expected " + show(x) + ", wrote " + show(f);
    }
    if (x instanceof FuzzExpect.Sealed se) {
      byte[] b = f.body();
      if (f.type() != se.type()
          || b.length < 5
          || (b[0] & 0xFF) != se.flags()
          || FuzzWire.u32(b, 1) != se.seq()) {
        return "expected " + show(x) + ", wrote " + show(f);
      }
      byte[] p = w.open(se.tag(), f.type(), b);
      return p != null && Arrays.equals(p, se.plaintext())
          ? null
          : "expected "
              + show(x)
              + ", wrote a frame that opens to "
              + (p == null ? "nothing" : Bytes.hex(p));
    }
    FuzzExpect.Close cl = (FuzzExpect.Close) x;
    if (f.type() != 0x1F || f.body().length < 1) {
      return "expected " + show(x) + ", wrote " + show(f);
    }
    int code = f.body()[0] & 0xFF;
    return cl.codes().stream().anyMatch(k -> k.code() == code)
        ? null
        : "expected " + show(x) + ", wrote " + show(f);
  }

  static String show(FuzzExpect e) {
    StringBuilder sb = new StringBuilder("[");
    e.out.forEach(o -> sb.append(show(o)).append(' '));
    return sb.append(e.peerClosed ? "(peer CLOSE)" : "")
        .append("] delivering ")
        .append(e.delivered.size())
        .toString();
  }

  static String show(FuzzExpect.Out o) {
    if (o instanceof FuzzExpect.Exact ex) {
      return "exactly " + show(FuzzWire.split(ex.frame(), 0xFFFFFF).frames().get(0));
    }
    if (o instanceof FuzzExpect.Shape sh) {
      return "type " + sh.type() + " with " + sh.bodyLength() + "-byte body";
    }
    if (o instanceof FuzzExpect.Sealed se) {
      return "sealed type "
          + se.type()
          + " flags "
          + se.flags()
          + " seq "
          + se.seq()
          + " plaintext "
          + Bytes.hex(se.plaintext());
    }
    FuzzExpect.Close cl = (FuzzExpect.Close) o;
    return "CLOSE " + cl.codes() + " (" + cl.why() + ")";
  }

  static String show(FuzzWire.Frame f) {
    String body =
        f.body().length <= 24
            ? Bytes.hex(f.body())
            : Bytes.hex(Arrays.copyOf(f.body(), 24)) + "...";
    return dev.slmp.protocol.FrameType.name(f.type()) + "(" + f.body().length + ": " + body + ")";
  }
}
