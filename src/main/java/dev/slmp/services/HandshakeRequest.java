package dev.slmp.services;

import dev.slmp.handshake.ServerHandshaker;

/** A gateway's request to a handshake verticle (local only: it carries handshake secrets). */
public record HandshakeRequest(Kind kind, byte[] frame, ServerHandshaker.HandshakeState state) {
  /** Which step of spec sections 5 and 8. */
  public enum Kind {
    HELLO,
    AUTH,
    RESUME
  }

  @Override
  public String toString() {
    return "HandshakeRequest[" + kind + "]";
  }
}
