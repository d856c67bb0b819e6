package dev.slmp.bench;

import dev.slmp.protocol.FrameType;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts SLMP/1 frames in one direction of a byte stream (type u8, length u24, body: spec 2), so
 * wire bytes can be told per frame type. Confined to one connection's context; totals are merged
 * under a lock.
 */
final class FrameTally {
  private final Map<String, long[]> totals;
  private final String direction;
  private final byte[] header = new byte[4];
  private int headerFill;
  private long bodyLeft;

  /**
   * {@code totals}: shared by the tallies of all connections; key "direction TYPE", value {frames,
   * bytes}.
   */
  FrameTally(Map<String, long[]> totals, String direction) {
    this.totals = totals;
    this.direction = direction;
  }

  void feed(Buffer b) {
    int i = 0;
    int n = b.length();
    while (i < n) {
      if (bodyLeft > 0) {
        int skip = (int) Math.min(bodyLeft, n - i);
        bodyLeft -= skip;
        i += skip;
        continue;
      }
      header[headerFill++] = b.getByte(i++);
      if (headerFill == 4) {
        headerFill = 0;
        int type = header[0] & 0xFF;
        bodyLeft = ((header[1] & 0xFFL) << 16) | ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        synchronized (totals) {
          long[] t =
              totals.computeIfAbsent(direction + " " + FrameType.name(type), k -> new long[2]);
          t[0]++;
          t[1] += 4 + bodyLeft;
        }
      }
    }
  }

  /**
   * "device→server HELLO 71, …" in bytes per {@code per} (session or message), in the order frames
   * are named.
   */
  static String describe(Map<String, long[]> totals, int per) {
    StringBuilder b = new StringBuilder();
    synchronized (totals) {
      for (Map.Entry<String, long[]> e : new TreeMap<>(totals).entrySet()) {
        b.append(b.length() == 0 ? "" : ", ")
            .append(e.getKey())
            .append(' ')
            .append(Report.number(e.getValue()[1] / (double) per));
        if (e.getValue()[0] != per) {
          b.append(" (").append(Report.number(e.getValue()[0] / (double) per)).append(" frames)");
        }
      }
    }
    return b.toString();
  }
}
