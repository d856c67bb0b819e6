package dev.slmp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.crypto.Bytes;
import org.junit.jupiter.api.Test;

/**
 * {@link SealedFrames}: the envelope {@code flags u8 || seq u32 || sealed} and its aad (spec 5, 6).
 */
class SealedFramesTest {

  @Test
  void envelopeLayoutAndAccessors() {
    byte[] frame =
        SealedFrames.frame(
            FrameType.ACK, SealedFrames.FLAG_EARLY, 0xFEDCBA98L, Bytes.unhex("aabb"));
    assertEquals("11000007" + "02" + "fedcba98" + "aabb", Bytes.hex(frame));
    assertEquals(SealedFrames.FLAG_EARLY, SealedFrames.frameFlags(frame));
    assertEquals(0xFEDCBA98L, SealedFrames.frameSeq(frame));
    byte[] body = Frame.parse(frame).body();
    assertEquals(SealedFrames.FLAG_EARLY, SealedFrames.flags(body));
    assertEquals(0xFEDCBA98L, SealedFrames.seq(body));
    assertEquals(5, SealedFrames.PREFIX);
  }

  @Test
  void aadIsTypeFlagsSeq() {
    byte[] aad = SealedFrames.aad(FrameType.DATA, 3, 1);
    assertEquals(SealedFrames.AAD_LENGTH, aad.length);
    assertArrayEquals(Bytes.unhex("100300000001"), aad);
  }
}
