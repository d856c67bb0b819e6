package dev.slmp.fuzz;

import dev.slmp.protocol.CloseCode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a model says the side under test must write and hand to its application for one case: frames
 * in order, ending with at most one CLOSE whose code is in an allowed set (a single code wherever
 * the spec fixes the order of checks, which is almost everywhere), or the peer's CLOSE, or nothing
 * more (the flight ended).
 */
final class FuzzExpect {
  /** One frame the side under test must write. */
  sealed interface Out permits Exact, Shape, Sealed, Close {}

  /**
   * These exact bytes (HELLO_REPLY and RESUMED of a vector, PONG, the device's own HELLO, RESUME,
   * AUTH).
   */
  record Exact(byte[] frame) implements Out {}

  /**
   * Only bounded: a frame of this type and body length. The answer to a valid HELLO that is not a
   * vector's: the model does no Diffie-Hellman, so it cannot know {@code e_s} and {@code confirm}.
   */
  record Shape(int type, int bodyLength) implements Out {}

  /** A sealed frame that opens under key {@code tag} with these flags, seq and plaintext. */
  record Sealed(int type, int flags, long seq, byte[] plaintext, int tag) implements Out {}

  /** A CLOSE with one of these codes, and the end of the connection. */
  record Close(Set<CloseCode> codes, String why) implements Out {}

  /** A DATA handed to the application. */
  record Message(long seq, boolean early, boolean ackRequested, String topic, byte[] payload) {}

  final List<Out> out = new ArrayList<>();
  final List<Message> delivered = new ArrayList<>();

  /** {@code acknowledged} reports: (seq of the side's own DATA, 1 if EARLY else 0, status). */
  final List<List<Long>> acknowledged = new ArrayList<>();

  boolean peerClosed;

  /**
   * The side reached the established state (WELCOME or RESUMED) before the flight ended or failed.
   */
  boolean established;

  /**
   * Device: its DATA that asked for an ACK and got none ({@code unacknowledged()}); -1: not
   * checked.
   */
  int unacknowledged = -1;

  /**
   * The FRAME_TOO_LARGE read-ahead bound replaced the model's outcome: the end state is not
   * checked.
   */
  boolean raced;

  /**
   * Server: the case's session in the store afterwards as {@code [resume_counter, expires]}; null:
   * not checked.
   */
  List<Long> session;

  /**
   * A full handshake of the stored session's device replaced it: the store must no longer hold it.
   */
  boolean sessionReplaced;

  /**
   * Device: the ticket it reported at WELCOME or RESUMED ({@link #ticket}); absent: it never got
   * there.
   */
  java.util.Optional<String> ticket = java.util.Optional.empty();

  /**
   * A ticket as the model and the comparison write it down; "none" when the server keeps no
   * session.
   */
  static String ticket(
      byte[] sessionId,
      byte[] rs,
      int suite,
      long counter,
      int keepalive,
      int maxBody,
      long expiresAt) {
    return dev.slmp.crypto.Bytes.hex(sessionId)
        + "/"
        + dev.slmp.crypto.Bytes.hex(rs)
        + "/"
        + suite
        + "/"
        + counter
        + "/"
        + keepalive
        + "/"
        + maxBody
        + "/"
        + expiresAt;
  }

  boolean closedBySelf() {
    return !out.isEmpty() && out.get(out.size() - 1) instanceof Close;
  }

  /** Records a fault: exactly one CLOSE with {@code code}; the model stops reading there. */
  void close(CloseCode code, String why) {
    out.add(new Close(EnumSet.of(code), why));
  }
}
