package dev.slmp.auth;

import dev.slmp.protocol.KeySchedule;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry keys first, then (if configured) the master-secret derivation of spec 4; plus a
 * revocation list. Thread-safe; changes take effect for the next AUTH or RESUME.
 */
public final class InMemoryDeviceDirectory implements DeviceDirectory {
  private final byte[] masterSecret;
  private final Map<String, byte[]> registry = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  /**
   * @param masterSecret at least 32 random bytes, or null for a registry-only directory
   */
  public InMemoryDeviceDirectory(byte[] masterSecret) {
    if (masterSecret != null && masterSecret.length < 32) {
      throw new IllegalArgumentException("a master secret must be at least 32 random bytes");
    }
    this.masterSecret = masterSecret == null ? null : masterSecret.clone();
  }

  public InMemoryDeviceDirectory register(String deviceId, byte[] deviceKey) {
    if (deviceKey.length != 32) {
      throw new IllegalArgumentException("a device key must be 32 bytes");
    }
    registry.put(deviceId, deviceKey.clone());
    return this;
  }

  public InMemoryDeviceDirectory revoke(String deviceId) {
    revoked.add(deviceId);
    return this;
  }

  public InMemoryDeviceDirectory reinstate(String deviceId) {
    revoked.remove(deviceId);
    return this;
  }

  @Override
  public byte[] deviceKey(String deviceId) {
    byte[] k = registry.get(deviceId);
    if (k != null) {
      return k;
    }
    return masterSecret == null
        ? null
        : KeySchedule.deviceKey(masterSecret, deviceId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean isRevoked(String deviceId) {
    return revoked.contains(deviceId);
  }

  @Override
  public String toString() {
    return "InMemoryDeviceDirectory["
        + registry.size()
        + " registered, "
        + revoked.size()
        + " revoked, master secret "
        + (masterSecret != null ? "set" : "unset")
        + "]";
  }
}
