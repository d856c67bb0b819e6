package dev.slmp.connection;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.KeySchedule;
import java.nio.charset.StandardCharsets;

/** What a device is provisioned with (spec 4): its id and key, and the one server key it trusts. */
public record DeviceIdentity(
    String deviceId, byte[] deviceKey, Suite suite, byte[] serverPublicKey) {
  public DeviceIdentity {
    int n = deviceId.getBytes(StandardCharsets.UTF_8).length;
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException("a device id is 1 to 64 UTF-8 bytes");
    }
    if (deviceKey.length != 32) {
      throw new IllegalArgumentException("a device key is 32 bytes");
    }
    if (serverPublicKey.length != suite.group().publicKeyLength()) {
      throw new IllegalArgumentException(
          "server key is not a " + suite.group().name() + " public key");
    }
  }

  public byte[] keyId() {
    return KeySchedule.keyId(serverPublicKey);
  }

  @Override
  public String toString() {
    return "DeviceIdentity[" + deviceId + ", " + suite + "]";
  }
}
