package dev.slmp.fuzz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One case, derived from {@code (seed, index)} alone: which side is under test, its settings, the
 * flight the other side sends (real frames, then mutated), how the bytes are cut into reads, and
 * every frame that was sealed for it with the key it was sealed under. That last map is what lets
 * the model decide, without any cryptography, whether a frame opens: with AEAD or Fernet a frame
 * opens under key K exactly when its type, flags, seq and sealed bytes are those of a frame sealed
 * under K (anything else forges a 128-bit tag).
 */
final class FuzzCase {
  /** The side under test and how its connection starts. */
  enum Kind {
    SERVER_FULL,
    SERVER_RESUME,
    DEVICE_FULL,
    DEVICE_RESUME
  }

  final long seed;
  final long index;
  final SplittableRandom rnd;
  final Kind kind;
  final FuzzFixture fx;

  /** The receiver's max_body. */
  int maxBody;

  /** Server: the session's resume counter in the store before the RESUME. */
  long storeCounter;

  /** Server: the session store cannot answer (full handshake: lifetime 0; RESUME: BUSY). */
  boolean storeDown;

  /** Server: the stored session has expired at the server's clock. */
  boolean sessionExpired;

  /**
   * Server: handshake and record crypto answer later, in the order asked, as the node's services
   * do.
   */
  boolean deferred;

  /** Server: the handshake timer fires once the flight has been read. */
  boolean timeout;

  /**
   * Server: DATA its application sends as soon as the connection is established (commands for a
   * sleepy device).
   */
  final List<Sent> commands = new ArrayList<>();

  /**
   * Device: the DATA its application sends as soon as its AUTH is written (pipelined behind AUTH).
   */
  final List<Sent> pipelined = new ArrayList<>();

  /** Device: the EARLY DATA it sends right behind its RESUME. */
  final List<Sent> earlyData = new ArrayList<>();

  /** The flight as its sender produced it, frame by frame, before any mutation. */
  final List<byte[]> frames = new ArrayList<>();

  /** (key tag, complete frame) → plaintext, for every frame sealed for this case. */
  final Map<Sealed, byte[]> sealed = new HashMap<>();

  private final Map<Sealed, byte[]> vectorSeals;

  /** What the mutator did, for the report. */
  final List<String> mutations = new ArrayList<>();

  /** The bytes fed to the receiver, and the sizes of the reads they are cut into. */
  byte[] stream;

  int[] reads;

  FuzzCase(long seed, long index, FuzzWorld world) {
    this.seed = seed;
    this.index = index;
    this.rnd = new SplittableRandom(mix(seed, index));
    int k = rnd.nextInt(100);
    // A device's full handshake costs three scalar multiplications per case (nothing can be
    // memoised inside the
    // device), everything else mostly none: they get 4 %.
    kind =
        k < 52
            ? Kind.SERVER_FULL
            : k < 80 ? Kind.SERVER_RESUME : k < 84 ? Kind.DEVICE_FULL : Kind.DEVICE_RESUME;
    fx = world.fixtures[rnd.nextInt(3)];
    vectorSeals = world.vectorSeals;
  }

  boolean serverSide() {
    return kind == Kind.SERVER_FULL || kind == Kind.SERVER_RESUME;
  }

  /**
   * A well-mixed 64-bit seed per case (SplitMix64 finaliser), so neighbouring cases are unrelated.
   */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A DATA the side under test sends itself: {@code topic_len || topic || payload}, and whether it
   * wants an ACK.
   */
  record Sent(byte[] plaintext, boolean ackRequested) {
    byte[] topic() {
      return java.util.Arrays.copyOfRange(plaintext, 1, 1 + (plaintext[0] & 0xFF));
    }

    byte[] payload() {
      return java.util.Arrays.copyOfRange(plaintext, 1 + (plaintext[0] & 0xFF), plaintext.length);
    }
  }

  /** A sealed frame, by its key tag and complete bytes. */
  record Sealed(int tag, FuzzWorld.ByteKey frame) {
    Sealed(int tag, byte[] frame) {
      this(tag, new FuzzWorld.ByteKey(frame));
    }
  }

  /**
   * The plaintext of {@code frame} if it was sealed under {@code tag} (for this case, or in a
   * vector), else null.
   */
  byte[] opens(int tag, byte[] frame) {
    Sealed k = new Sealed(tag, frame);
    byte[] p = sealed.get(k);
    return p != null ? p : vectorSeals.get(k);
  }

  String describe() {
    return kind
        + " suite "
        + fx.suite.id()
        + " maxBody "
        + maxBody
        + (storeDown ? " storeDown" : "")
        + (sessionExpired ? " expired" : "")
        + (deferred ? " deferred" : "")
        + (timeout ? " timeout" : "")
        + (commands.isEmpty() ? "" : " commands " + commands.size())
        + (earlyData.isEmpty() ? "" : " early " + earlyData.size())
        + (pipelined.isEmpty() ? "" : " pipelined " + pipelined.size())
        + (kind == Kind.SERVER_RESUME ? " storeCounter " + storeCounter : "")
        + " frames "
        + frames.size()
        + " mutations "
        + mutations;
  }
}
