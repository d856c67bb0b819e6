package dev.slmp.handshake;

import dev.slmp.crypto.Suite;
import java.util.EnumSet;
import java.util.Set;

/**
 * Protocol settings of a server: enabled suites, the session lifetime and keep-alive it announces
 * in WELCOME, its {@code max_body}, and the largest body it sends a device (spec 2: 1,024 unless
 * known).
 */
public record ServerSettings(
    Set<Suite> suites, long lifetimeSeconds, int keepaliveSeconds, int maxBody, int deviceMaxBody) {
  public static final int DEFAULT_MAX_BODY = 65_536;
  public static final int DEVICE_MIN_MAX_BODY = 1024;

  public ServerSettings {
    suites = suites.isEmpty() ? Set.of() : EnumSet.copyOf(suites);
    if (suites.isEmpty()) {
      throw new IllegalArgumentException("at least one suite must be enabled");
    }
    if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("session lifetime must be 0..4294967295 seconds");
    }
    if (keepaliveSeconds < 0 || keepaliveSeconds > 0xFFFF) {
      throw new IllegalArgumentException("keepalive must be 0..65535 seconds");
    }
    if (maxBody < 1024 || maxBody > 0xFFFFFF) {
      throw new IllegalArgumentException("maxBody must be 1024..16777215");
    }
    if (deviceMaxBody < DEVICE_MIN_MAX_BODY || deviceMaxBody > 0xFFFFFF) {
      throw new IllegalArgumentException("deviceMaxBody must be 1024..16777215");
    }
  }

  public static ServerSettings defaults() {
    return new ServerSettings(
        EnumSet.allOf(Suite.class), 86_400, 60, DEFAULT_MAX_BODY, DEVICE_MIN_MAX_BODY);
  }

  public ServerSettings withLifetime(long seconds) {
    return new ServerSettings(suites, seconds, keepaliveSeconds, maxBody, deviceMaxBody);
  }

  public ServerSettings withKeepalive(int seconds) {
    return new ServerSettings(suites, lifetimeSeconds, seconds, maxBody, deviceMaxBody);
  }

  public ServerSettings withMaxBody(int bytes) {
    return new ServerSettings(suites, lifetimeSeconds, keepaliveSeconds, bytes, deviceMaxBody);
  }
}
