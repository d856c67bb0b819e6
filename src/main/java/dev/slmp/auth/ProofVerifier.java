package dev.slmp.auth;

import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.Auth;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frames;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.protocol.SlmpException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The AUTH check of spec section 5 over a {@link DeviceDirectory}, in constant time: whatever is
 * wrong, the proof HMAC is computed (with a dummy key for an unknown or malformed id) and compared
 * in constant time, and every failure gives the same error.
 */
public final class ProofVerifier implements DeviceAuthenticator {
  public static final int MAX_ID_BYTES = Auth.MAX_ID_LENGTH;
  private static final String FAILED = "authentication failed";
  private final DeviceDirectory directory;
  private final byte[] dummyKey = new byte[32];

  public ProofVerifier(DeviceDirectory directory) {
    this.directory = directory;
    dev.slmp.crypto.Randomness.threadRandom().nextBytes(dummyKey);
  }

  /** Synchronous form: the device id, or an {@code AUTH_FAILED} exception. */
  public String verify(byte[] deviceId, byte[] th2, byte[] proof) throws SlmpException {
    String id =
        deviceId.length >= 1 && deviceId.length <= MAX_ID_BYTES
            ? Frames.utf8OrNull(deviceId, 0, deviceId.length)
            : null;
    byte[] key = id == null ? null : directory.deviceKey(id);
    boolean revoked = id != null && directory.isRevoked(id);
    byte[] expected = KeySchedule.proof(key != null ? key : dummyKey, th2);
    boolean proofOk = Bytes.constantTimeEquals(expected, proof);
    if (proofOk & key != null & !revoked) {
      return id;
    }
    throw new SlmpException(CloseCode.AUTH_FAILED, FAILED);
  }

  @Override
  public CompletionStage<String> authenticate(byte[] deviceId, byte[] th2, byte[] proof) {
    try {
      return CompletableFuture.completedFuture(verify(deviceId, th2, proof));
    } catch (SlmpException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Boolean> isRevoked(String deviceId) {
    return CompletableFuture.completedFuture(directory.isRevoked(deviceId));
  }
}
