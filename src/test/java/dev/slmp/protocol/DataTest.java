package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Data}: the plaintext {@code topic_len u8 || topic || payload} (spec 6) and the body length
 * it makes.
 */
class DataTest {

  @Test
  void roundTrips() throws SlmpException {
    Data d = new Data("sensors/temp", Bytes.unhex("32312e35"));
    byte[] p = d.encode();
    assertEquals(
        "0c" + Bytes.hex("sensors/temp".getBytes(StandardCharsets.UTF_8)) + "32312e35",
        Bytes.hex(p));
    assertArrayEquals(
        p, Data.encode("sensors/temp".getBytes(StandardCharsets.UTF_8), Bytes.unhex("32312e35")));
    assertEquals(d, Data.decode(p));
    assertEquals(new Data("", new byte[0]), Data.decode(new byte[] {0}));
    String longest = "t".repeat(Data.MAX_TOPIC_LENGTH);
    assertEquals(longest, Data.decode(new Data(longest, new byte[] {1}).encode()).topic());
    assertEquals("größe", Data.decode(new Data("größe", new byte[0]).encode()).topic());
  }

  @Test
  void structuralFailuresAreProtocolError() {
    refused(CloseCode.PROTOCOL_ERROR, Data::decode, new byte[0]);
    refused(
        CloseCode.PROTOCOL_ERROR,
        Data::decode,
        Bytes.unhex("0541424344")); // topic_len 5, 4 bytes follow
    refused(CloseCode.PROTOCOL_ERROR, Data::decode, Bytes.unhex("ff"));
    refused(CloseCode.PROTOCOL_ERROR, Data::decode, Bytes.unhex("02c328")); // not UTF-8
  }

  @Test
  void everyTopicLengthPastTheEndIsRefusedWithoutReadingPastIt() {
    byte[] p = new byte[20];
    for (int topicLen = 20; topicLen <= 0xFF; topicLen++) {
      p[0] = (byte) topicLen;
      refused(CloseCode.PROTOCOL_ERROR, Data::decode, p);
    }
  }

  @Test
  void aTopicOver255BytesCannotBeEncoded() {
    assertThrows(IllegalArgumentException.class, () -> Data.encode(new byte[256], new byte[0]));
    assertThrows(
        IllegalArgumentException.class, () -> new Data("é".repeat(128), new byte[0]).encode());
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void bodyLengthIsTheSealedFramesBody(Suite suite) {
    var sealer =
        new KeyMaterial(new byte[suite.keyBytes()], new byte[suite.ivBytes()])
            .sealer(suite, Randomness.secure());
    long seq = 0; // one sealer never seals a seq twice
    for (int payload : new int[] {0, 1, 15, 16, 64, 1000}) {
      for (int topic : new int[] {0, 9, 255}) {
        byte[] frame =
            SealedFrames.seal(
                sealer, FrameType.DATA, 0, ++seq, Data.encode(new byte[topic], new byte[payload]));
        assertEquals(
            frame.length - Frame.HEADER,
            Data.bodyLength(suite, topic, payload),
            suite + " topic " + topic + " payload " + payload);
      }
    }
  }
}
