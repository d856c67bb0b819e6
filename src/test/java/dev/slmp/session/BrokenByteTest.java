package dev.slmp.session;

import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;
import dev.slmp.testing.FrameLog;
import dev.slmp.testing.VectorRandomness;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A deliberately broken byte in any positive vector frame is caught: fed to its receiver, the frame
 * with one flipped bit (first, middle and last body byte) ends the connection with an error CLOSE,
 * and never gets through as if it were the recorded frame.
 */
class BrokenByteTest {
  @TestFactory
  Stream<DynamicTest> flippedBitsAreRefused() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String id : new String[] {"01", "02", "03"}) {
      for (String scenario : new String[] {"full_handshake", "data_ack", "resumption"}) {
        JsonObject v = Vectors.object(Conversation.file(id, scenario));
        JsonArray frames = v.getJsonArray("frames");
        for (Object o : frames) {
          JsonObject f = (JsonObject) o;
          String type = f.getString("type");
          int len = f.getString("hex").length() / 2;
          if (len <= 4 || type.equals("CLOSE")) {
            continue; // PING/PONG have no body; a CLOSE is advisory by definition
          }
          for (int pos : new int[] {4, 4 + (len - 4) / 2, len - 1}) {
            tests.add(
                DynamicTest.dynamicTest(
                    "suite "
                        + id
                        + " "
                        + scenario
                        + " frame "
                        + f.getInteger("index")
                        + " "
                        + type
                        + " byte "
                        + pos,
                    () -> runBroken(v, scenario, f.getInteger("index"), pos)));
          }
        }
      }
    }
    assertTrue(tests.size() > 100, "mutations generated: " + tests.size());
    return tests.stream();
  }

  private static void runBroken(JsonObject v, String scenario, int index, int pos) {
    Suite suite = Suite.byId(v.getJsonObject("suite").getInteger("id"));
    JsonObject hv =
        scenario.equals("full_handshake")
            ? v
            : Vectors.object("slmp1/" + v.getString("handshake_vector"));
    JsonObject hin = hv.getJsonObject("inputs");
    JsonObject in = v.getJsonObject("inputs");
    long clock = in.getLong("server_clock", hin.getLong("server_clock"));
    Parties.Server server =
        Parties.Server.ofInputs(
            hin, suite, new VectorRandomness(in.getJsonObject("server_randomness")), clock);
    Parties.Device device =
        Parties.Device.of(
            hin.getString("device_id_hex"),
            hin.getString("device_key"),
            suite,
            hin.getString("server_static_public"),
            new VectorRandomness(in.getJsonObject("client_randomness")));
    JsonArray frames = v.getJsonArray("frames");
    if (scenario.equals("resumption")) {
      server.store.put(Parties.record(in.getJsonObject("server_store_before")));
      server.holdEarlyAcksUntilNextData();
      device.connection.startResume(
          Parties.ticket(in.getJsonObject("client_ticket")).nextCounter());
    } else {
      device.connection.startFull();
      if (scenario.equals("data_ack")) {
        Conversation.walk(v.getJsonArray("handshake_frames"), server, device);
      }
    }
    Conversation.walk(frames, server, device, index, pos);
    JsonObject f = null;
    for (Object o : frames) {
      if (((JsonObject) o).getInteger("index") == index) {
        f = (JsonObject) o;
      }
    }
    boolean c2s = "c2s".equals(f.getString("direction"));
    FrameLog receiver = c2s ? server.log : device.log;
    FrameLog sender = c2s ? device.log : server.log;
    if (f.getString("type").equals("HELLO") && !receiver.closed) {
      // An X25519 e_c with one bit flipped is another valid key: the server answers, and the
      // device, which
      // holds the real e_c, refuses that answer.
      String reply = receiver.next("HELLO_REPLY");
      device.connection.receive(unhex(reply));
      sender = server.log;
      receiver = device.log;
      assertTrue(receiver.closed, "the device refuses the answer to a broken HELLO");
    }
    assertTrue(receiver.closed, "receiver closed after a flipped bit in " + f.getString("type"));
    int code = receiver.lastCloseCode();
    assertTrue(code > 0 && code != CloseCode.NORMAL.code(), "an error CLOSE, got " + code);
    assertEquals(code, receiver.closeCode.code());
    assertTrue(sender != receiver);
  }
}
