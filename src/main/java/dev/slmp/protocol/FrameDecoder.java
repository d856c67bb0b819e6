package dev.slmp.protocol;

import java.util.Arrays;

/**
 * Incremental frame decoder. It only splits bytes into frames: the length is checked against {@code
 * maxBody} as soon as the 4-byte header is complete, before type or state, and a body is never
 * buffered past that limit. Split and coalesced input are both handled; the decoder holds at most
 * one partial frame, and buffers its body as the bytes arrive (a header alone never makes it
 * allocate the length it announces). After a failure it stays failed.
 */
public final class FrameDecoder {
  /** Receives each complete frame, in order. */
  @FunctionalInterface
  public interface Sink {
    /** Returns false to stop decoding the rest of the input (the connection is closing). */
    boolean frame(Frame frame) throws SlmpException;
  }

  private final int maxBody;
  private final byte[] header = new byte[Frame.HEADER];
  private int headerFill;

  /**
   * First buffer for a body that has not fully arrived: grown by doubling, never past the announced
   * length.
   */
  static final int INITIAL_PARTIAL_BODY = 256;

  private byte[] body;
  private int bodyLength;
  private int bodyFill;
  private boolean failed;

  public FrameDecoder(int maxBody) {
    if (maxBody < 1024 || maxBody > Frame.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "maxBody must be 1024.." + Frame.MAX_LENGTH + ", was " + maxBody);
    }
    this.maxBody = maxBody;
  }

  public int maxBody() {
    return maxBody;
  }

  /**
   * The size of the buffer held for a partial body (tests: a header alone must not make it large).
   */
  int partialBodyCapacity() {
    return body == null ? 0 : body.length;
  }

  /** Bytes of a frame received but not yet complete. */
  public int pending() {
    return body != null ? Frame.HEADER + bodyFill : headerFill;
  }

  /**
   * Feeds {@code data[off, off+len)}. Complete frames go to {@code sink}; a header announcing more
   * than {@code maxBody} throws {@code FRAME_TOO_LARGE} without buffering any of that body.
   */
  public void feed(byte[] data, int off, int len, Sink sink) throws SlmpException {
    if (failed) {
      throw new IllegalStateException("decoder already failed");
    }
    int end = off + len;
    int pos = off;
    try {
      while (pos < end) {
        if (body == null) {
          int take = Math.min(Frame.HEADER - headerFill, end - pos);
          System.arraycopy(data, pos, header, headerFill, take);
          headerFill += take;
          pos += take;
          if (headerFill < Frame.HEADER) {
            return;
          }
          int length = ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
          if (length > maxBody) {
            throw new SlmpException(
                CloseCode.FRAME_TOO_LARGE,
                "frame body of " + length + " bytes exceeds max_body " + maxBody);
          }
          // The whole body in hand: one array of its length. Otherwise only what has arrived, grown
          // as more does.
          bodyLength = length;
          body = new byte[Math.min(length, Math.max(end - pos, INITIAL_PARTIAL_BODY))];
          bodyFill = 0;
        }
        int take = Math.min(bodyLength - bodyFill, end - pos);
        if (bodyFill + take > body.length) {
          body =
              Arrays.copyOf(body, Math.min(bodyLength, Math.max(bodyFill + take, body.length * 2)));
        }
        System.arraycopy(data, pos, body, bodyFill, take);
        bodyFill += take;
        pos += take;
        if (bodyFill == bodyLength) {
          Frame f = new Frame(header[0] & 0xFF, body);
          body = null;
          headerFill = 0;
          if (!sink.frame(f)) {
            return;
          }
        }
      }
    } catch (SlmpException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  public void feed(byte[] data, Sink sink) throws SlmpException {
    feed(data, 0, data.length, sink);
  }
}
