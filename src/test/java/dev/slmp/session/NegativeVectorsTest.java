package dev.slmp.session;

import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.testing.FrameLog;
import dev.slmp.testing.VectorRandomness;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code suiteNN_negative.json}: every frame that must be refused, each with its exact CLOSE code,
 * against the real server or device state machine; frames sent behind the refused one are never
 * processed.
 */
class NegativeVectorsTest {

  @TestFactory
  Stream<DynamicTest> everyNegativeCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String id : new String[] {"01", "02", "03"}) {
      String file = Conversation.file(id, "negative");
      JsonObject v = Vectors.object(file);
      Suite suite = Suite.byId(v.getJsonObject("suite").getInteger("id"));
      JsonArray cases = v.getJsonArray("cases");
      assertTrue(cases.size() >= 75, file + " has its 75+ cases");
      int server = 0;
      int client = 0;
      for (Object o : cases) {
        JsonObject c = (JsonObject) o;
        boolean bySever = "server".equals(c.getString("rejected_by"));
        if (bySever) {
          server++;
        } else {
          client++;
        }
        tests.add(
            DynamicTest.dynamicTest(
                "suite " + id + " " + c.getString("name"),
                () -> {
                  if (bySever) {
                    runServerCase(v, c, suite);
                  } else {
                    runDeviceCase(v, c, suite);
                  }
                }));
      }
      Vectors.report(
          file, cases.size(), server + " refused by the server, " + client + " by the device");
      assertEquals(cases.size(), server + client);
    }
    return tests.stream();
  }

  private static String what(JsonObject c) {
    return c.getString("name") + " (expects " + c.getString("expected_close_name") + ")";
  }

  static void runServerCase(JsonObject v, JsonObject c, Suite suite) {
    Parties.Server s = Parties.Server.ofNegative(v.getJsonObject("server_config"), c, suite);
    JsonArray frames = c.getJsonArray("frames");
    int reject = c.getInteger("rejected_frame_index");
    for (int i = 0; i < reject; i++) {
      JsonObject f = frames.getJsonObject(i);
      if ("c2s".equals(f.getString("direction"))) {
        s.connection.receive(unhex(f.getString("hex")));
      } else {
        assertEquals(
            f.getString("hex"), s.log.next(f.getString("type")), what(c) + ": server frame " + i);
      }
    }
    assertTrue(
        s.log.outbox.isEmpty(),
        what(c) + ": server wrote more than the vector before the refused frame");
    assertFalse(s.log.closed, what(c) + ": closed before the refused frame");
    int delivered = s.messages.size();
    s.connection.receive(rejectedWrite(frames, reject));
    assertRefused(c, s.log);
    assertEquals(
        delivered, s.messages.size(), what(c) + ": nothing after the refused frame is delivered");
  }

  static void runDeviceCase(JsonObject v, JsonObject c, Suite suite) {
    JsonObject d = v.getJsonObject("device");
    Parties.Device dev =
        Parties.Device.of(
            d.getString("device_id_hex"),
            d.getString("device_key"),
            suite,
            d.getString("server_static_public"),
            new VectorRandomness(c.getJsonObject("client_randomness")));
    JsonArray frames = c.getJsonArray("frames");
    if ("RESUME".equals(frames.getJsonObject(0).getString("type"))) {
      dev.connection.startResume(Parties.ticket(c.getJsonObject("client_ticket")).nextCounter());
    } else {
      dev.connection.startFull();
    }
    int reject = c.getInteger("rejected_frame_index");
    for (int i = 0; i < reject; i++) {
      JsonObject f = frames.getJsonObject(i);
      if ("c2s".equals(f.getString("direction"))) {
        assertEquals(
            f.getString("hex"), dev.log.next(f.getString("type")), what(c) + ": device frame " + i);
      } else {
        dev.connection.receive(unhex(f.getString("hex")));
      }
    }
    assertTrue(
        dev.log.outbox.isEmpty(),
        what(c) + ": device wrote more than the vector before the refused frame");
    dev.connection.receive(rejectedWrite(frames, reject));
    assertRefused(c, dev.log);
    assertEquals(
        0, dev.messages.size(), what(c) + ": no server DATA reached the device application");
  }

  /**
   * The refused frame (only its header when {@code header_only}) and every frame sent behind it, in
   * one write.
   */
  private static byte[] rejectedWrite(JsonArray frames, int reject) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = reject; i < frames.size(); i++) {
      JsonObject f = frames.getJsonObject(i);
      byte[] hex = unhex(f.getString("hex"));
      out.write(hex, 0, f.getBoolean("header_only", false) ? 4 : hex.length);
    }
    return out.toByteArray();
  }

  private static void assertRefused(JsonObject c, FrameLog log) {
    assertTrue(log.closed, what(c) + ": the side under test closed");
    assertFalse(log.closedByPeer, what(c) + ": it closed on its own");
    assertEquals(
        1,
        log.outbox.size(),
        what(c) + ": exactly one frame, the CLOSE, follows the refused frame: " + log.outbox);
    byte[] close = unhex(log.outbox.poll());
    assertEquals(0x1F, close[0] & 0xFF, what(c) + ": a CLOSE frame");
    assertEquals(
        c.getInteger("expected_close_code").intValue(),
        close[4] & 0xFF,
        what(c)
            + ": CLOSE code (reason: "
            + new String(
                Bytes.slice(close, 5, close.length), java.nio.charset.StandardCharsets.UTF_8)
            + ")");
    assertEquals(
        c.getInteger("expected_close_code").intValue(),
        log.closeCode.code(),
        what(c) + ": close reported to the node");
  }
}
