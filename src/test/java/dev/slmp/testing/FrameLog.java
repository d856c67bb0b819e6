package dev.slmp.testing;

import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.FrameDecoder;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.SlmpException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Collects what one side wrote, split back into complete frames (hex), plus how it closed. */
public final class FrameLog {
  private final FrameDecoder decoder = new FrameDecoder(0xFFFFFF);
  public final Deque<String> outbox = new ArrayDeque<>();
  public final List<String> all = new ArrayList<>();
  public CloseCode closeCode;
  public boolean closed;
  public boolean closedByPeer;

  public void write(byte[] bytes) {
    try {
      decoder.feed(bytes, f -> {
        String hex = Bytes.hex(f.encode());
        outbox.add(hex);
        all.add(hex);
        return true;
      });
    } catch (SlmpException e) {
      throw new AssertionError(e);
    }
  }

  public void closed(CloseCode code, boolean byPeer) {
    closed = true;
    closeCode = code;
    closedByPeer = byPeer;
  }

  /** The next frame written, or a failure naming what was expected. */
  public String next(String expectedType) {
    String f = outbox.poll();
    if (f == null) {
      throw new AssertionError("expected the side under test to write " + expectedType + " but it wrote nothing"
          + (closed ? " (closed with " + closeCode + ")" : ""));
    }
    return f;
  }

  /** The CLOSE code of the last frame written, or -1 if it is not a CLOSE. */
  public int lastCloseCode() {
    if (all.isEmpty()) {
      return -1;
    }
    byte[] f = Bytes.unhex(all.get(all.size() - 1));
    return (f[0] & 0xFF) == FrameType.CLOSE && f.length > 4 ? f[4] & 0xFF : -1;
  }
}
