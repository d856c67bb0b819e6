package dev.slmp.protocol;

import static dev.slmp.protocol.Refusals.everyOtherLengthRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.crypto.DhGroup;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HelloReply}: {@code e_s || confirm} for the group the device asked for (spec 5). */
class HelloReplyTest {

  private static DhGroup group(String name) {
    return name.equals("p256") ? DhGroup.p256() : DhGroup.x25519();
  }

  private static HelloReply sample(DhGroup g) {
    byte[] es = new byte[g.publicKeyLength()];
    Arrays.fill(es, (byte) 0x44);
    byte[] confirm = new byte[KeySchedule.MAC_LENGTH];
    Arrays.fill(confirm, (byte) 0xCC);
    return new HelloReply(es, confirm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"p256", "x25519"})
  void roundTrips(String name) throws SlmpException {
    DhGroup g = group(name);
    HelloReply r = sample(g);
    byte[] body = r.encode();
    assertEquals(g.publicKeyLength() + 32, body.length);
    assertEquals(0x44, body[g.publicKeyLength() - 1] & 0xFF);
    assertEquals(0xCC, body[g.publicKeyLength()] & 0xFF);
    assertEquals(r, HelloReply.decode(body, g));
    assertArrayEquals(Frame.encode(FrameType.HELLO_REPLY, body), r.frame());
  }

  @ParameterizedTest
  @ValueSource(strings = {"p256", "x25519"})
  void everyOtherLengthIsProtocolError(String name) {
    DhGroup g = group(name);
    everyOtherLengthRefused(
        b -> HelloReply.decode(b, g), sample(g).encode(), n -> CloseCode.PROTOCOL_ERROR);
  }

  @ParameterizedTest
  @ValueSource(strings = {"p256", "x25519"})
  void theOtherGroupsLengthIsProtocolError(String name) {
    DhGroup g = group(name);
    DhGroup other = g == DhGroup.p256() ? DhGroup.x25519() : DhGroup.p256();
    Refusals.refused(
        CloseCode.PROTOCOL_ERROR, b -> HelloReply.decode(b, other), sample(g).encode());
  }

  @Test
  void constructorRefusesAShortConfirm() {
    assertThrows(IllegalArgumentException.class, () -> new HelloReply(new byte[65], new byte[31]));
  }
}
