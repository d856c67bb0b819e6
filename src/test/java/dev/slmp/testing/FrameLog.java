package dev.slmp.testing;

import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
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
      decoder.feed(
          bytes,
          f -> {
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
      throw new AssertionError(
          "expected the side under test to write "
              + expectedType
              + " but it wrote nothing"
              + (closed ? " (closed with " + closeCode + ")" : ""));
    }
    return f;
  }

  /** The CLOSE code of the last frame written, or -1 if it is not a CLOSE. */
  public int lastCloseCode() {
    if (all.isEmpty()) {
      return -1;
    }
    Frame f = Frame.parse(Bytes.unhex(all.get(all.size() - 1)));
    return f.type() == FrameType.CLOSE ? Close.decode(f.body()).code() : -1;
  }
}
