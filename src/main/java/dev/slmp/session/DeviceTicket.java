package dev.slmp.session;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;

/**
 * What a device keeps to resume a session (spec 8): {@code (session_id, rs, suite, keepalive,
 * max_body)}, the last resume counter it used, and when the session expires (Unix seconds by the
 * device's clock). A device stores {@link #nextCounter()} before it sends the RESUME that uses it.
 */
public record DeviceTicket(
    byte[] sessionId,
    byte[] rs,
    Suite suite,
    long lastCounter,
    int keepalive,
    int maxBody,
    long expiresAt) {
  /** The ticket with the counter the next RESUME will carry. */
  public DeviceTicket nextCounter() {
    if (lastCounter >= 0xFFFFFFFFL) {
      throw new IllegalStateException("resume counter exhausted: do a full handshake");
    }
    return new DeviceTicket(sessionId, rs, suite, lastCounter + 1, keepalive, maxBody, expiresAt);
  }

  public boolean isExpired(long nowSeconds) {
    return expiresAt <= nowSeconds;
  }

  @Override
  public String toString() {
    return "DeviceTicket["
        + Bytes.hex(sessionId)
        + ", "
        + suite
        + ", counter="
        + lastCounter
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
