package dev.slmp.auth;

import java.util.concurrent.CompletionStage;

/**
 * Checks a device's AUTH claim. Implementations answer every failure (malformed id, unknown,
 * revoked, wrong proof) the same way and in the same time: a failed stage with {@code
 * SlmpException(AUTH_FAILED)}.
 */
public interface DeviceAuthenticator {
  /**
   * @param deviceId the raw id bytes from AUTH (not yet validated)
   * @param th2 the transcript hash the proof covers
   * @param proof the device's proof
   * @return the device id on success
   */
  CompletionStage<String> authenticate(byte[] deviceId, byte[] th2, byte[] proof);

  /** Whether a device is revoked (checked again on every resumption). */
  CompletionStage<Boolean> isRevoked(String deviceId);
}
