package dev.slmp.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-source limits applied when a connection is accepted, before any Diffie-Hellman: at most
 * {@code handshakesPerSource} handshakes in progress, and a token bucket of new connections (each
 * carries one HELLO or RESUME) refilled at {@code ratePerSecond} up to {@code burst}. A source is
 * an IPv4 address or an IPv6 /64, since one host is given a whole /64 and could otherwise rotate
 * through it ({@link #sourceOf}). Thread-safe: the gateway instances of a node share one.
 */
public final class SourceLimiter {
  private record Entry(double tokens, long refilledAtMs, int inProgress) {}

  private final ConcurrentHashMap<String, Entry> bySource = new ConcurrentHashMap<>();
  private final int handshakesPerSource;
  private final double ratePerMs;
  private final int burst;
  private final LongSupplier clockMs;

  public SourceLimiter(
      int handshakesPerSource, int ratePerSecond, int burst, LongSupplier clockMs) {
    this.handshakesPerSource = handshakesPerSource;
    this.ratePerMs = ratePerSecond / 1000.0;
    this.burst = burst;
    this.clockMs = clockMs;
  }

  /**
   * The source a limit counts for: the address itself for IPv4 (and IPv4-mapped IPv6), the /64
   * prefix for IPv6. {@code host} is a literal address as a socket reports it.
   */
  public static String sourceOf(String host) {
    if (host == null || host.indexOf(':') < 0) {
      return host;
    }
    int scope = host.indexOf('%');
    String literal = scope < 0 ? host : host.substring(0, scope);
    try {
      byte[] a = InetAddress.getByName(literal).getAddress(); // a literal: no name lookup
      if (a.length == 4) {
        return InetAddress.getByAddress(a).getHostAddress();
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        b.append(Integer.toHexString(((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF))).append(':');
      }
      return b.append(":/64").toString();
    } catch (UnknownHostException e) {
      return literal;
    }
  }

  /**
   * Takes a token and a handshake slot for {@code source}; returns 0 when admitted (then {@link
   * #handshakeEnded} must follow exactly once), else the seconds after which a retry can succeed.
   */
  public long tryStart(String source) {
    long now = clockMs.getAsLong();
    long[] retry = {0};
    bySource.compute(
        source,
        (k, e) -> {
          double tokens =
              e == null ? burst : Math.min(burst, e.tokens + (now - e.refilledAtMs) * ratePerMs);
          int inProgress = e == null ? 0 : e.inProgress;
          if (inProgress >= handshakesPerSource) {
            retry[0] = 1;
            return new Entry(tokens, now, inProgress);
          }
          if (tokens < 1) {
            retry[0] = Math.max(1, (long) Math.ceil((1 - tokens) / ratePerMs / 1000));
            return new Entry(tokens, now, inProgress);
          }
          return new Entry(tokens - 1, now, inProgress + 1);
        });
    return retry[0];
  }

  /** The handshake admitted by {@link #tryStart} ended (established, refused or abandoned). */
  public void handshakeEnded(String source) {
    bySource.computeIfPresent(
        source, (k, e) -> new Entry(e.tokens, e.refilledAtMs, Math.max(0, e.inProgress - 1)));
  }

  /** Handshakes in progress from {@code source} (tests, metrics). */
  public int inProgress(String source) {
    Entry e = bySource.get(source);
    return e == null ? 0 : e.inProgress;
  }

  /** Drops sources with nothing in progress and a full bucket: they are as good as new. */
  public void purge() {
    long now = clockMs.getAsLong();
    bySource
        .values()
        .removeIf(e -> e.inProgress == 0 && e.tokens + (now - e.refilledAtMs) * ratePerMs >= burst);
  }
}
