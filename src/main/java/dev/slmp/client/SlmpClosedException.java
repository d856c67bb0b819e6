package dev.slmp.client;

import dev.slmp.protocol.CloseCode;

/**
 * An SLMP/1 connection ended: by the server's CLOSE ({@link #byPeer()}), by this client's own
 * CLOSE, or by the socket closing without one ({@link #isConnectionLost()}: code null, reason
 * "connection lost").
 */
public final class SlmpClosedException extends RuntimeException {
  static final String LOST = "connection lost";

  private final CloseCode code;
  private final String reason;
  private final boolean byPeer;

  public SlmpClosedException(CloseCode code, String reason, boolean byPeer) {
    this(code, reason, byPeer, null);
  }

  public SlmpClosedException(CloseCode code, String reason, boolean byPeer, Throwable cause) {
    // No stack trace: this is an expected outcome (a refused resume, a server going away), not a
    // bug.
    super(describe(code, reason == null ? "" : reason, byPeer), cause, true, false);
    this.code = code;
    this.reason = reason == null ? "" : reason;
    this.byPeer = byPeer;
  }

  /** The socket closed (or failed) without a CLOSE frame. */
  static SlmpClosedException lost(Throwable cause) {
    return new SlmpClosedException(null, LOST, false, cause);
  }

  /** The CLOSE code, or null (a CLOSE with no code, an undefined code, or no CLOSE at all). */
  public CloseCode code() {
    return code;
  }

  /** The CLOSE reason as sent (possibly empty). */
  public String reason() {
    return reason;
  }

  /** True when the server sent the CLOSE. */
  public boolean byPeer() {
    return byPeer;
  }

  public boolean isConnectionLost() {
    return code == null && !byPeer && LOST.equals(reason);
  }

  private static String describe(CloseCode code, String reason, boolean byPeer) {
    if (code == null && !byPeer && LOST.equals(reason)) {
      return LOST;
    }
    StringBuilder sb =
        new StringBuilder(byPeer ? "server closed the connection" : "connection closed");
    if (code != null) {
      sb.append(": ").append(code.name()).append(String.format(" (0x%02X)", code.code()));
    }
    String shown = printable(reason);
    if (!shown.isEmpty()) {
      sb.append(code != null ? " " : ": ").append(shown);
    }
    return sb.toString();
  }

  /** The reason comes from the network: no control characters reach a terminal or a log line. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return sb.toString();
  }
}
