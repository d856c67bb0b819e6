package dev.slmp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link FrameDecoder}, {@link Frame} and {@link Frames#close}. */
class FrameDecoderTest {
  private static final int MAX = 1024;

  /** Collects every frame; always continues. */
  private static final class Collect implements FrameDecoder.Sink {
    final List<Frame> frames = new ArrayList<>();

    @Override
    public boolean frame(Frame frame) {
      frames.add(frame);
      return true;
    }
  }

  private static byte[] body(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] header(int type, int length) {
    return new byte[] {(byte) type, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
  }

  private static void assertFrames(List<Frame> expected, List<Frame> actual, String id) {
    assertEquals(expected.size(), actual.size(), id + ": frame count");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).type(), actual.get(i).type(), id + ": type of frame " + i);
      assertArrayEquals(expected.get(i).body(), actual.get(i).body(), id + ": body of frame " + i);
    }
  }

  // ------------------------------------------------------------------------------------------
  // splitting

  @Test
  void aHeaderAloneDoesNotMakeTheDecoderAllocateTheBodyItAnnounces() throws Exception {
    int max = 1 << 20;
    FrameDecoder d = new FrameDecoder(max);
    Collect sink = new Collect();
    byte[] full = body(max, 9);
    d.feed(Bytes.concat(header(FrameType.DATA, max), new byte[] {full[0], full[1], full[2]}), sink);
    assertTrue(
        d.partialBodyCapacity() <= FrameDecoder.INITIAL_PARTIAL_BODY,
        "3 bytes of a 1 MiB body hold a small buffer, was " + d.partialBodyCapacity());
    // The rest, in growing pieces: the buffer follows what arrived and ends exactly at the body's
    // length.
    int pos = 3;
    for (int piece = 1; pos < max; piece *= 3) {
      int n = Math.min(piece, max - pos);
      d.feed(full, pos, n, sink);
      pos += n;
      if (pos < max) {
        assertTrue(
            d.partialBodyCapacity() <= 2L * pos + FrameDecoder.INITIAL_PARTIAL_BODY,
            "buffer " + d.partialBodyCapacity() + " after " + pos + " bytes");
      }
    }
    assertFrames(List.of(new Frame(FrameType.DATA, full)), sink.frames, "grown body");
    assertEquals(0, d.partialBodyCapacity());
  }

  @Test
  void oneByteAtATime() throws Exception {
    Frame f = new Frame(FrameType.DATA, body(37, 1));
    byte[] wire = f.encode();
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    for (int i = 0; i < wire.length; i++) {
      assertEquals(i, d.pending(), "pending before byte " + i);
      d.feed(wire, i, 1, sink);
      if (i < wire.length - 1) {
        assertTrue(sink.frames.isEmpty(), "no frame before the last byte (byte " + i + ")");
        assertEquals(i + 1, d.pending(), "pending after byte " + i);
      }
    }
    assertFrames(List.of(f), sink.frames, "one byte at a time");
    assertEquals(0, d.pending());
  }

  @Test
  void twoFramesOneByteAtATimeViaSingleByteArrays() throws Exception {
    Frame a = new Frame(FrameType.HELLO, body(35, 2));
    Frame b = new Frame(FrameType.PING, new byte[0]);
    byte[] wire = Bytes.concat(a.encode(), b.encode());
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    for (byte x : wire) {
      d.feed(new byte[] {x}, sink);
    }
    assertFrames(List.of(a, b), sink.frames, "two frames byte by byte");
    assertEquals(0, d.pending());
  }

  @Test
  void everySplitPointOfTwoFrames() throws Exception {
    Frame a = new Frame(FrameType.DATA, body(21, 3));
    Frame b = new Frame(FrameType.ACK, body(14, 4));
    byte[] wire = Bytes.concat(a.encode(), b.encode());
    for (int split = 0; split <= wire.length; split++) {
      FrameDecoder d = new FrameDecoder(MAX);
      Collect sink = new Collect();
      d.feed(wire, 0, split, sink);
      int aLen = a.encode().length;
      int completeBefore = split == wire.length ? 2 : split >= aLen ? 1 : 0;
      assertEquals(
          completeBefore, sink.frames.size(), "split " + split + ": frames after the first part");
      int expectedPending = split == wire.length ? 0 : split >= aLen ? split - aLen : split;
      assertEquals(expectedPending, d.pending(), "split " + split + ": pending");
      d.feed(wire, split, wire.length - split, sink);
      assertFrames(List.of(a, b), sink.frames, "split " + split);
      assertEquals(0, d.pending(), "split " + split);
    }
  }

  @Test
  void everyPairOfSplitPointsOfTwoFrames() throws Exception {
    Frame a = new Frame(0x07, body(9, 5)); // the decoder does not care about types
    Frame b = new Frame(FrameType.CLOSE, body(6, 6));
    byte[] wire = Bytes.concat(a.encode(), b.encode());
    for (int i = 0; i <= wire.length; i++) {
      for (int j = i; j <= wire.length; j++) {
        FrameDecoder d = new FrameDecoder(MAX);
        Collect sink = new Collect();
        d.feed(Bytes.slice(wire, 0, i), sink);
        d.feed(Bytes.slice(wire, i, j), sink);
        d.feed(Bytes.slice(wire, j, wire.length), sink);
        assertFrames(List.of(a, b), sink.frames, "splits " + i + "," + j);
        assertEquals(0, d.pending());
      }
    }
  }

  @Test
  void coalescedFramesInOneFeed() throws Exception {
    List<Frame> frames =
        List.of(
            new Frame(FrameType.HELLO, body(36, 7)),
            new Frame(FrameType.PING, new byte[0]),
            new Frame(FrameType.DATA, body(MAX, 8)),
            new Frame(FrameType.PONG, new byte[0]),
            new Frame(FrameType.CLOSE, new byte[] {0}));
    byte[][] parts = frames.stream().map(Frame::encode).toArray(byte[][]::new);
    byte[] wire = Bytes.concat(parts);
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    d.feed(wire, sink);
    assertFrames(frames, sink.frames, "coalesced");
    assertEquals(0, d.pending());

    // Coalesced with a partial frame at the end: the complete ones come out, the rest stays
    // pending.
    FrameDecoder d2 = new FrameDecoder(MAX);
    Collect sink2 = new Collect();
    byte[] withTail = Bytes.concat(wire, Bytes.slice(parts[0], 0, 10));
    d2.feed(withTail, sink2);
    assertFrames(frames, sink2.frames, "coalesced + tail");
    assertEquals(10, d2.pending());
  }

  @Test
  void feedHonoursOffsetAndLength() throws Exception {
    Frame f = new Frame(FrameType.DATA, body(12, 9));
    byte[] wire = f.encode();
    byte[] padded =
        Bytes.concat(
            new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, wire, new byte[] {(byte) 0xFF});
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    d.feed(padded, 3, wire.length, sink);
    assertFrames(List.of(f), sink.frames, "offset");
    assertEquals(0, d.pending());
  }

  // ------------------------------------------------------------------------------------------
  // lengths

  @Test
  void oversizeHeaderRejectedFromTheHeaderAlone() {
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    SlmpException e =
        assertThrows(SlmpException.class, () -> d.feed(header(FrameType.HELLO, MAX + 1), sink));
    assertEquals(CloseCode.FRAME_TOO_LARGE, e.code());
    assertTrue(d.pending() <= Frame.HEADER, "pending " + d.pending());
    assertTrue(sink.frames.isEmpty());
  }

  @Test
  void oversizeHeaderRejectedOnTheFourthByte() throws Exception {
    byte[] h = header(FrameType.DATA, MAX + 1);
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    for (int i = 0; i < 3; i++) {
      d.feed(h, i, 1, sink);
      assertEquals(i + 1, d.pending());
    }
    SlmpException e = assertThrows(SlmpException.class, () -> d.feed(h, 3, 1, sink));
    assertEquals(CloseCode.FRAME_TOO_LARGE, e.code());
    assertTrue(d.pending() <= Frame.HEADER, "pending " + d.pending());
  }

  @Test
  void oversizeHeaderFollowedByBodyBytesDoesNotBufferThem() {
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    byte[] wire = Bytes.concat(header(FrameType.DATA, MAX + 1), body(MAX + 1, 10));
    SlmpException e = assertThrows(SlmpException.class, () -> d.feed(wire, sink));
    assertEquals(CloseCode.FRAME_TOO_LARGE, e.code());
    assertTrue(
        d.pending() <= Frame.HEADER, "the body must never be buffered, pending " + d.pending());
  }

  @Test
  void oversizeAfterValidFramesDeliversThoseFirst() {
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    Frame ok = new Frame(FrameType.PING, new byte[0]);
    byte[] wire = Bytes.concat(ok.encode(), header(FrameType.DATA, 0xFFFFFF));
    SlmpException e = assertThrows(SlmpException.class, () -> d.feed(wire, sink));
    assertEquals(CloseCode.FRAME_TOO_LARGE, e.code());
    assertFrames(List.of(ok), sink.frames, "before the oversize header");
  }

  @Test
  void vectorOversizeCases() {
    // Server default max_body 65,536: a HELLO (or unassigned type 0x07) header announcing 65,537.
    for (int type : new int[] {FrameType.HELLO, 0x07}) {
      FrameDecoder d = new FrameDecoder(65_536);
      SlmpException e =
          assertThrows(SlmpException.class, () -> d.feed(header(type, 65_537), new Collect()));
      assertEquals(CloseCode.FRAME_TOO_LARGE, e.code(), "type " + type);
      assertTrue(d.pending() <= Frame.HEADER);
    }
  }

  @Test
  void lengthExactlyMaxBodyAccepted() throws Exception {
    for (int max : new int[] {MAX, 65_536}) {
      Frame f = new Frame(FrameType.DATA, body(max, max));
      FrameDecoder d = new FrameDecoder(max);
      Collect sink = new Collect();
      d.feed(f.encode(), sink);
      assertFrames(List.of(f), sink.frames, "max " + max);
    }
  }

  @Test
  void largestMaxBodyAcceptsLargestLength() throws Exception {
    FrameDecoder d = new FrameDecoder(Frame.MAX_LENGTH);
    Collect sink = new Collect();
    d.feed(header(FrameType.DATA, Frame.MAX_LENGTH), sink);
    assertEquals(Frame.HEADER, d.pending());
  }

  @Test
  void zeroLengthBody() throws Exception {
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    d.feed(header(FrameType.PING, 0), sink);
    assertEquals(1, sink.frames.size());
    assertEquals(FrameType.PING, sink.frames.get(0).type());
    assertEquals(0, sink.frames.get(0).body().length);
    assertEquals(0, d.pending());
    assertArrayEquals(Frames.PING, sink.frames.get(0).encode());
  }

  @Test
  void truncatedBodyYieldsNoFrame() throws Exception {
    Frame f = new Frame(FrameType.DATA, body(100, 11));
    byte[] wire = f.encode();
    FrameDecoder d = new FrameDecoder(MAX);
    Collect sink = new Collect();
    d.feed(wire, 0, wire.length - 1, sink);
    assertTrue(sink.frames.isEmpty());
    assertEquals(wire.length - 1, d.pending());
    // Only a header: pending is 4.
    FrameDecoder d2 = new FrameDecoder(MAX);
    d2.feed(wire, 0, Frame.HEADER, sink);
    assertTrue(sink.frames.isEmpty());
    assertEquals(Frame.HEADER, d2.pending());
    // The rest completes the frame.
    d.feed(wire, wire.length - 1, 1, sink);
    assertFrames(List.of(f), sink.frames, "completed");
    assertEquals(0, d.pending());
  }

  @Test
  void randomGarbageWithHugeLengthRejected() {
    Random r = new Random(12345);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + r.nextInt(4096)];
      r.nextBytes(junk);
      if (junk.length < Frame.HEADER) {
        junk = Bytes.concat(junk, new byte[Frame.HEADER]);
      }
      junk[1] |= (byte) 0x01; // length >= 65,536 > max_body
      byte[] j = junk;
      FrameDecoder d = new FrameDecoder(MAX);
      Collect sink = new Collect();
      SlmpException e = assertThrows(SlmpException.class, () -> d.feed(j, sink), "garbage " + i);
      assertEquals(CloseCode.FRAME_TOO_LARGE, e.code(), "garbage " + i);
      assertTrue(sink.frames.isEmpty());
      assertTrue(d.pending() <= Frame.HEADER, "garbage " + i + ": pending " + d.pending());
    }
  }

  // ------------------------------------------------------------------------------------------
  // sink, failure

  @Test
  void sinkReturningFalseStopsDecoding() throws Exception {
    Frame a = new Frame(FrameType.CLOSE, new byte[] {1});
    Frame b = new Frame(FrameType.DATA, body(20, 12));
    Frame c = new Frame(FrameType.PING, new byte[0]);
    byte[] wire = Bytes.concat(a.encode(), b.encode(), c.encode());
    FrameDecoder d = new FrameDecoder(MAX);
    List<Frame> seen = new ArrayList<>();
    d.feed(
        wire,
        f -> {
          seen.add(f);
          return false;
        });
    assertFrames(List.of(a), seen, "stop after first");

    // Stopping on the second of three.
    FrameDecoder d2 = new FrameDecoder(MAX);
    List<Frame> seen2 = new ArrayList<>();
    d2.feed(
        wire,
        f -> {
          seen2.add(f);
          return seen2.size() < 2;
        });
    assertFrames(List.of(a, b), seen2, "stop after second");

    // Even an oversize header behind the stopping frame is not looked at.
    FrameDecoder d3 = new FrameDecoder(MAX);
    List<Frame> seen3 = new ArrayList<>();
    d3.feed(
        Bytes.concat(a.encode(), header(FrameType.DATA, 0xFFFFFF)),
        f -> {
          seen3.add(f);
          return false;
        });
    assertFrames(List.of(a), seen3, "stop before oversize header");
  }

  @Test
  void feedAfterFrameTooLargeThrowsIllegalState() {
    FrameDecoder d = new FrameDecoder(MAX);
    assertThrows(SlmpException.class, () -> d.feed(header(FrameType.DATA, MAX + 1), new Collect()));
    assertThrows(IllegalStateException.class, () -> d.feed(Frames.PING, new Collect()));
    assertThrows(IllegalStateException.class, () -> d.feed(new byte[0], new Collect()));
  }

  @Test
  void feedAfterSinkFailureThrowsIllegalState() {
    FrameDecoder d = new FrameDecoder(MAX);
    SlmpException e =
        assertThrows(
            SlmpException.class,
            () ->
                d.feed(
                    Frames.PING,
                    f -> {
                      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "test");
                    }));
    assertEquals(CloseCode.PROTOCOL_ERROR, e.code());
    assertThrows(IllegalStateException.class, () -> d.feed(Frames.PONG, new Collect()));

    FrameDecoder d2 = new FrameDecoder(MAX);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            d2.feed(
                Frames.PING,
                f -> {
                  throw new IllegalArgumentException("test");
                }));
    assertThrows(IllegalStateException.class, () -> d2.feed(Frames.PONG, new Collect()));
  }

  @Test
  void constructorRefusesSmallOrHugeMaxBody() {
    for (int bad :
        new int[] {Integer.MIN_VALUE, -1, 0, 1, 1023, Frame.MAX_LENGTH + 1, Integer.MAX_VALUE}) {
      assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(bad), "maxBody " + bad);
    }
    assertEquals(1024, new FrameDecoder(1024).maxBody());
    assertEquals(Frame.MAX_LENGTH, new FrameDecoder(Frame.MAX_LENGTH).maxBody());
  }

  // ------------------------------------------------------------------------------------------
  // Frame, Frames

  @Test
  void encodeParseRoundTrip() {
    for (int n : new int[] {0, 1, 255, 256, 1024, 70_000}) {
      Frame f = new Frame(FrameType.DATA, body(n, n));
      byte[] wire = f.encode();
      assertEquals(Frame.HEADER + n, wire.length);
      assertEquals(FrameType.DATA, wire[0] & 0xFF);
      assertEquals(n, Bytes.u24(wire, 1));
      Frame back = Frame.parse(wire);
      assertEquals(f, back);
      assertArrayEquals(f.body(), back.body());
      assertArrayEquals(wire, back.encode());
      assertArrayEquals(wire, Frame.encode(FrameType.DATA, f.body()));
    }
    for (int type : new int[] {0, 0x07, 0xFF}) {
      assertEquals(type, Frame.parse(new Frame(type, new byte[] {1, 2}).encode()).type());
    }
  }

  @Test
  void parseRefusesAnythingButExactlyOneFrame() {
    byte[] wire = new Frame(FrameType.DATA, body(10, 13)).encode();
    assertThrows(IllegalArgumentException.class, () -> Frame.parse(new byte[3]));
    assertThrows(
        IllegalArgumentException.class, () -> Frame.parse(Bytes.slice(wire, 0, wire.length - 1)));
    assertThrows(
        IllegalArgumentException.class, () -> Frame.parse(Bytes.concat(wire, new byte[1])));
    assertThrows(IllegalArgumentException.class, () -> new Frame(256, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new Frame(-1, new byte[0]));
  }

  @Test
  void closeTruncatesLongReasonOnCharacterBoundary() {
    String[] reasons = {
      "€".repeat(100), // 3-byte characters: 300 bytes
      "a" + "€".repeat(100), // 3-byte characters at an offset
      "ab" + "€".repeat(100),
      "😀".repeat(80), // 4-byte characters (surrogate pairs)
      "x" + "😀".repeat(80),
      "xy" + "😀".repeat(80),
      "xyz" + "😀".repeat(80),
      "é".repeat(200), // 2-byte characters
      "q" + "é".repeat(200),
      "Ω-sensor/ü ".repeat(40),
    };
    for (String reason : reasons) {
      byte[] wire = Frames.close(CloseCode.BUSY, reason);
      Frame f = Frame.parse(wire);
      assertEquals(FrameType.CLOSE, f.type());
      assertEquals(CloseCode.BUSY.code(), f.body()[0] & 0xFF);
      int rlen = f.body().length - 1;
      assertTrue(rlen <= Frames.MAX_REASON, "reason of " + rlen + " bytes");
      assertTrue(rlen > Frames.MAX_REASON - 4, "cut too much: " + rlen + " bytes");
      String decoded = Frames.utf8OrNull(f.body(), 1, rlen);
      assertNotNull(decoded, "truncated reason is not valid UTF-8: " + reason.substring(0, 3));
      assertTrue(reason.startsWith(decoded), "truncated reason is a prefix of the original");
      // Maximal: the next character would not have fit.
      int next = reason.codePointAt(decoded.length());
      int nextLen = new String(Character.toChars(next)).getBytes(StandardCharsets.UTF_8).length;
      assertTrue(rlen + nextLen > Frames.MAX_REASON, "cut more than one character");
    }
  }

  @Test
  void closeKeepsShortReasonsAndCutsAscii() {
    String exact = "r".repeat(Frames.MAX_REASON);
    Frame f = Frame.parse(Frames.close(CloseCode.NORMAL, exact));
    assertEquals(1 + Frames.MAX_REASON, f.body().length);
    assertEquals(exact, Frames.utf8OrNull(f.body(), 1, f.body().length - 1));

    Frame g = Frame.parse(Frames.close(CloseCode.NORMAL, exact + "s"));
    assertEquals(1 + Frames.MAX_REASON, g.body().length);
    assertEquals(exact, Frames.utf8OrNull(g.body(), 1, g.body().length - 1));

    assertArrayEquals(Bytes.unhex("1f00000400627965"), Frames.close(CloseCode.NORMAL, "bye"));
    assertArrayEquals(Bytes.unhex("1f0000010c"), Frames.close(CloseCode.DECRYPT_FAILED, null));
    assertArrayEquals(Bytes.unhex("1f0000010c"), Frames.close(CloseCode.DECRYPT_FAILED, ""));
  }

  @Test
  void toStringShowsNoBodyBytes() {
    byte[] secret = Bytes.unhex("deadbeefcafebabe0123456789abcdef");
    Frame f = new Frame(FrameType.DATA, secret);
    String s = f.toString();
    String hex = Bytes.hex(secret);
    assertFalse(s.toLowerCase(Locale.ROOT).contains(hex), s);
    assertFalse(s.toLowerCase(Locale.ROOT).contains("deadbeef"), s);
    assertFalse(s.toLowerCase(Locale.ROOT).contains("cafebabe"), s);
    assertFalse(s.contains(java.util.Arrays.toString(secret)), s);
    assertFalse(s.contains(java.util.Base64.getEncoder().encodeToString(secret)), s);
    assertTrue(s.contains("DATA"), s);
    assertTrue(s.contains(String.valueOf(secret.length)), s);
  }
}
