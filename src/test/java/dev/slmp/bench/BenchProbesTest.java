package dev.slmp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pure helpers behind the bytes, memory and CPU-split figures. */
class BenchProbesTest {
  private static Buffer frame(int type, int bodyLength) {
    Buffer b = Buffer.buffer();
    b.appendByte((byte) type)
        .appendByte((byte) (bodyLength >> 16))
        .appendByte((byte) (bodyLength >> 8))
        .appendByte((byte) bodyLength);
    b.appendBytes(new byte[bodyLength]);
    return b;
  }

  @Test
  void frameTallyCountsFramesSplitAcrossReads() {
    Map<String, long[]> totals = new HashMap<>();
    FrameTally t = new FrameTally(totals, "up");
    Buffer all =
        Buffer.buffer()
            .appendBuffer(frame(0x01, 71))
            .appendBuffer(frame(0x10, 300))
            .appendBuffer(frame(0x1F, 1));
    // Fed in awkward pieces: inside a header, inside a body.
    t.feed(all.getBuffer(0, 2));
    t.feed(all.getBuffer(2, 80));
    t.feed(all.getBuffer(80, 379));
    t.feed(all.getBuffer(379, all.length()));
    assertEquals(75, totals.get("up HELLO")[1]);
    assertEquals(304, totals.get("up DATA")[1]);
    assertEquals(1, totals.get("up CLOSE")[0]);
    assertEquals(5, totals.get("up CLOSE")[1]);
    assertEquals("up CLOSE 5.00, up DATA 304, up HELLO 75.0", FrameTally.describe(totals, 1));
  }

  @Test
  void heapHistogramGrowthPerConnection() {
    String before =
        """
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:          1000         100000  [B (java.base@17.0.15)
           2:            10           1000  dev.slmp.connection.ServerConnection
        Total          1010         101000
        """;
    String after =
        """
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:          3000         500000  [B (java.base@17.0.15)
           2:           110          13000  dev.slmp.connection.ServerConnection
           3:           100           4800  java.util.HashMap
        """;
    List<String> g =
        HeapHistogram.growth(HeapHistogram.parse(before), HeapHistogram.parse(after), 100, 2);
    assertEquals(2, g.size());
    assertTrue(g.get(0).matches("\\s*4000 B\\s+20.00 objects\\s+\\[B"), g.get(0));
    assertTrue(
        g.get(1).matches("\\s*120 B\\s+1.00 objects\\s+dev.slmp.connection.ServerConnection"),
        g.get(1));
  }

  @Test
  void threadGroupsAndCpuSplit() {
    assertEquals("event loops", ProcStat.group("vert.x-eventloo"));
    assertEquals("acceptor", ProcStat.group("vert.x-acceptor"));
    assertEquals("Vert.x workers", ProcStat.group("vert.x-worker-t"));
    assertEquals("JIT", ProcStat.group("C2 CompilerThre"));
    assertEquals("GC", ProcStat.group("GC Thread#0"));
    assertEquals("GC", ProcStat.group("G1 Conc#0"));
    assertEquals("other", ProcStat.group("main"));
    Map<String, long[]> t = new TreeMap<>();
    t.put("all", new long[] {60, 40});
    t.put("event loops", new long[] {50, 40});
    t.put("JIT", new long[] {10, 0});
    t.put("GC", new long[] {0, 0});
    assertEquals("kernel 40%; event loops 90% JIT 10%", BenchRunner.cpuSplit(t));
    assertEquals("", BenchRunner.cpuSplit(new TreeMap<>()));
    Map<String, long[]> self = ProcStat.threadTicks(ProcessHandle.current().pid());
    assertTrue(self.containsKey("all"), self.keySet().toString());
  }
}
