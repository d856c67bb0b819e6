package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Per-source handshake slots and token bucket, on a clock the test moves; what counts as one
 * source.
 */
class SourceLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  @Test
  void aBurstIsAdmittedThenTheRateApplies() {
    SourceLimiter l = new SourceLimiter(100, 2, 3, now::get);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, l.tryStart("10.0.0.1"), "burst connection " + i);
      l.handshakeEnded("10.0.0.1");
    }
    assertEquals(1, l.tryStart("10.0.0.1"), "the bucket is empty: retry in a second");
    assertEquals(0, l.tryStart("10.0.0.2"), "another source has its own bucket");
    now.addAndGet(500); // 2 per second: one token back
    assertEquals(0, l.tryStart("10.0.0.1"));
    assertEquals(1, l.tryStart("10.0.0.1"));
  }

  @Test
  void handshakesInProgressAreCappedPerSourceAndFreedWhenTheyEnd() {
    SourceLimiter l = new SourceLimiter(2, 1000, 1000, now::get);
    assertEquals(0, l.tryStart("10.0.0.1"));
    assertEquals(0, l.tryStart("10.0.0.1"));
    assertEquals(1, l.tryStart("10.0.0.1"), "a third handshake in progress is refused");
    assertEquals(2, l.inProgress("10.0.0.1"));
    l.handshakeEnded("10.0.0.1");
    assertEquals(0, l.tryStart("10.0.0.1"));
  }

  @Test
  void purgeKeepsWhatStillCounts() {
    SourceLimiter l = new SourceLimiter(1, 1, 1, now::get);
    assertEquals(0, l.tryStart("a"));
    l.purge();
    assertEquals(1, l.tryStart("a"), "a handshake in progress survives a purge");
    l.handshakeEnded("a");
    now.addAndGet(2000);
    l.purge();
    assertEquals(0, l.inProgress("a"));
    assertEquals(0, l.tryStart("a"));
  }

  @Test
  void ipv6SourcesAreAggregatedBySlash64() {
    assertEquals(
        SourceLimiter.sourceOf("2001:db8:1:2:aaaa::1"),
        SourceLimiter.sourceOf("2001:db8:1:2:ffff:1:2:3"));
    assertEquals("2001:db8:1:2::/64", SourceLimiter.sourceOf("2001:0db8:0001:0002:0:0:0:1"));
    assertNotEquals(
        SourceLimiter.sourceOf("2001:db8:1:2::1"), SourceLimiter.sourceOf("2001:db8:1:3::1"));
    assertEquals("fe80:0:0:0::/64", SourceLimiter.sourceOf("fe80::1%lo"));
    assertEquals(
        "192.0.2.7",
        SourceLimiter.sourceOf("::ffff:192.0.2.7"),
        "IPv4-mapped counts as its IPv4 address");
    assertEquals("192.0.2.7", SourceLimiter.sourceOf("192.0.2.7"));
  }
}
