package dev.slmp.session;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;

/**
 * What a server keeps for resumption (spec 8): {@code session_id → {device_id, suite, rs, expires,
 * resume_counter}}. {@code expires} is in Unix seconds. {@code toString} never shows {@code rs}.
 */
public record SessionRecord(
    byte[] sessionId, String deviceId, Suite suite, byte[] rs, long expires, long resumeCounter) {
  public String sessionIdHex() {
    return Bytes.hex(sessionId);
  }

  public SessionRecord withCounter(long counter) {
    return new SessionRecord(sessionId, deviceId, suite, rs, expires, counter);
  }

  @Override
  public String toString() {
    return "SessionRecord["
        + sessionIdHex()
        + ", device="
        + deviceId
        + ", "
        + suite
        + ", expires="
        + expires
        + ", counter="
        + resumeCounter
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionRecord r
        && java.util.Arrays.equals(r.sessionId, sessionId)
        && r.deviceId.equals(deviceId)
        && r.suite == suite
        && java.util.Arrays.equals(r.rs, rs)
        && r.expires == expires
        && r.resumeCounter == resumeCounter;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(sessionId);
  }
}
