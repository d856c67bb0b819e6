package dev.slmp.auth;

/**
 * Where device credentials come from (spec 4): a registry of per-device keys, a master secret, or
 * both.
 */
public interface DeviceDirectory {
  /** The 32-byte device key of {@code deviceId}, or null when the device is unknown. */
  byte[] deviceKey(String deviceId);

  /** True when the device is on the revocation list. */
  boolean isRevoked(String deviceId);
}
