package dev.slmp.services;

import dev.slmp.crypto.Sealer;

/**
 * One open or seal of a DATA/ACK frame, sent to a crypto verticle and back (local only, zero-copy:
 * the same object carries the input and, in {@link #result}, the output).
 */
public final class CryptoJob {
  /** Open or seal. */
  public enum Op {
    OPEN,
    SEAL
  }

  final Op op;
  final Sealer sealer;
  final long seq;
  final byte[] aad;
  final byte[] data;
  final int off;
  final int len;
  byte[] result;

  public CryptoJob(Op op, Sealer sealer, long seq, byte[] aad, byte[] data, int off, int len) {
    this.op = op;
    this.sealer = sealer;
    this.seq = seq;
    this.aad = aad;
    this.data = data;
    this.off = off;
    this.len = len;
  }

  public byte[] result() {
    return result;
  }

  @Override
  public String toString() {
    return "CryptoJob[" + op + ", seq=" + seq + ", " + len + " bytes]";
  }
}
