package dev.slmp.handshake;

import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.KeyMaterial;
import java.util.concurrent.CompletionStage;

/**
 * The server's handshake work, asked for by a connection. Each stage fails with an {@code
 * SlmpException} naming the CLOSE code. {@link ServerHandshake} does the work in place; a node may
 * put it behind the event bus or a worker pool.
 */
public interface ServerHandshaker {
  /** HELLO (complete frame) → HELLO_REPLY. */
  CompletionStage<HelloResult> hello(byte[] helloFrame, Randomness randomness);

  /** AUTH (complete frame) → the authenticated device and its session keys. */
  CompletionStage<Authenticated> auth(HandshakeState state, byte[] authFrame);

  /** RESUME (complete frame) → RESUMED and the resumed session's keys. */
  CompletionStage<Resumed> resume(byte[] resumeFrame, Randomness randomness);

  /** What the server keeps between HELLO_REPLY and AUTH. */
  record HandshakeState(Suite suite, byte[] hs, byte[] helloFrame, byte[] helloReplyFrame) {
    @Override
    public String toString() {
      return "HandshakeState[" + suite + "]";
    }
  }

  record HelloResult(byte[] helloReplyFrame, HandshakeState state) {
    @Override
    public String toString() {
      return "HelloResult[" + state.suite() + "]";
    }
  }

  /**
   * A successful AUTH: the device, the traffic keys, and the lifetime to announce (0: no session
   * kept).
   */
  record Authenticated(
      String deviceId,
      Suite suite,
      KeyMaterial c2s,
      KeyMaterial s2c,
      byte[] sessionId,
      long lifetime) {
    @Override
    public String toString() {
      return "Authenticated[" + deviceId + ", " + suite + ", lifetime=" + lifetime + "]";
    }
  }

  /** A successful RESUME: RESUMED to send, the traffic keys and {@code K_early}. */
  record Resumed(
      String deviceId,
      Suite suite,
      byte[] resumedFrame,
      KeyMaterial c2s,
      KeyMaterial s2c,
      KeyMaterial early,
      byte[] sessionId,
      long lifetime) {
    @Override
    public String toString() {
      return "Resumed[" + deviceId + ", " + suite + ", lifetime=" + lifetime + "]";
    }
  }
}
