package dev.slmp.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device message's two JSON shortcuts against Vert.x's own encoder: the inbox's direct line
 * writer ({@link DeviceMessage#appendJson}) and the body that is typed until read ({@link
 * DeviceMessage#toLazyJson}).
 */
class DeviceMessageJsonTest {
  static DeviceMessage message(
      String device, String topic, byte[] payload, long seq, String session, String node) {
    return new DeviceMessage(device, topic, payload, seq, session, node, 1_765_000_000_123L, false);
  }

  /** Every character class a device id or topic can hold, as valid UTF-16. */
  static String randomText(Random r) {
    int n = r.nextInt(12);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(6)) {
        case 0 -> b.append((char) r.nextInt(0x20)); // control characters
        case 1 -> b.append("\"\\/\u007f".charAt(r.nextInt(4)));
        case 2 -> b.append((char) (0x20 + r.nextInt(0x5f)));
        case 3 -> b.append((char) (0xa0 + r.nextInt(0x700))); // 2-byte UTF-8
        case 4 -> b.append((char) (0x2000 + r.nextInt(0x100))); // 3-byte, incl. U+2028/2029
        default -> b.appendCodePoint(0x1F300 + r.nextInt(0x200)); // surrogate pairs
      }
    }
    return b.toString();
  }

  /**
   * Verifies that the direct line writer writes exactly the bytes of toJson().toBuffer(), over
   * 3,000 random messages and the edge cases.
   */
  @Test
  void theDirectLineIsByteForByteVertxsEncoding() {
    // GIVEN edge cases and random messages
    Random r = new Random(20261207);
    List<DeviceMessage> cases = new ArrayList<>();
    cases.add(message("d", "", new byte[0], 0, null, null));
    cases.add(message("", null, new byte[] {0, -1}, -1, "", "n"));
    cases.add(
        message("a\"b\\c", "\u0000\u001f\b\t\n\f\r", new byte[300], Long.MAX_VALUE, "00", "x"));
    cases.add(
        new DeviceMessage(
            "e", "t", new byte[] {1}, Long.MIN_VALUE, "s", "n", Long.MIN_VALUE, true));
    for (int i = 0; i < 3000; i++) {
      byte[] payload = new byte[r.nextInt(200)];
      r.nextBytes(payload);
      cases.add(
          new DeviceMessage(
              randomText(r),
              r.nextInt(10) == 0 ? null : randomText(r),
              payload,
              r.nextLong(),
              r.nextInt(10) == 0 ? null : randomText(r),
              randomText(r),
              r.nextLong(),
              r.nextBoolean()));
    }
    for (DeviceMessage m : cases) {
      // WHEN it is written directly and by Vert.x
      byte[] direct = m.appendJson(Buffer.buffer()).getBytes();
      byte[] vertx = m.toJson().toBuffer().getBytes();
      // THEN the bytes are the same, and read back to the same message
      assertArrayEquals(vertx, direct, () -> new String(vertx, StandardCharsets.UTF_8));
      DeviceMessage back = DeviceMessage.fromJson(new JsonObject(Buffer.buffer(direct)));
      assertEquals(m.device(), back.device());
      assertArrayEquals(m.payload(), back.payload());
    }
  }

  /** Verifies that the direct writer appends after what the buffer holds. */
  @Test
  void theLineIsAppended() {
    Buffer out = Buffer.buffer("x\n");
    message("d", "t", new byte[] {65}, 1, "ab", "n").appendJson(out);
    assertEquals(
        "x\n{\"device\":\"d\",\"topic\":\"t\",\"payload\":\"QQ==\",\"seq\":1,\"session\":\"ab\","
            + "\"node\":\"n\",\"receivedAt\":1765000000123,\"early\":false}",
        out.toString());
  }

  /**
   * Verifies that a lazy body reads, encodes and copies as toJson() does, that of() returns the
   * record itself only while the body is untouched, and that a change is kept and seen.
   */
  @Test
  void theLazyBodyIsTheJsonOnceReadAndTheRecordUntilThen() {
    // GIVEN a message and its lazy body
    DeviceMessage m = message("dev-1", "room/1", new byte[] {1, 2, 3}, 7, "abcd", "node-1");
    JsonObject lazy = m.toLazyJson();
    // THEN untouched, of() gives the record itself
    assertSame(m, DeviceMessage.of(lazy));
    // WHEN it is read
    // THEN it has the documented fields and encodes as toJson() does
    assertEquals("dev-1", lazy.getString("device"));
    assertEquals(m.toJson(), lazy);
    assertEquals(m.toJson().encode(), lazy.encode());
    assertEquals(m.toJson(), lazy.copy());
    // AND of() now parses it (an equal record, not the same one)
    DeviceMessage read = DeviceMessage.of(lazy);
    assertNotSame(m, read);
    assertEquals("dev-1", read.device());
    // WHEN a consumer changes it
    lazy.put("device", "changed").remove("early");
    // THEN the change is what every later reader sees
    assertEquals("changed", DeviceMessage.of(lazy).device());
    assertEquals(7, lazy.size());
    // AND a body that is not a device message is refused naming the field
    JsonObject bad = message("d", "t", new byte[0], 1, null, "n").toLazyJson().put("seq", "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DeviceMessage.of(bad));
    assertEquals("not a device message: 'seq' must be a number", e.getMessage());
  }
}
