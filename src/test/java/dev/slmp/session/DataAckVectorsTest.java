package dev.slmp.session;

import static dev.slmp.crypto.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.testing.VectorRandomness;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code suiteNN_data_ack.json}: DATA both ways, ACKs, empty topic, PING/PONG and CLOSE on a real
 * connection pair.
 */
class DataAckVectorsTest {

  @ParameterizedTest(name = "suite {0}")
  @ValueSource(strings = {"01", "02", "03"})
  void dataAndAcksBothWays(String id) throws Exception {
    String file = Conversation.file(id, "data_ack");
    JsonObject v = Vectors.object(file);
    JsonObject hv = Vectors.object("slmp1/" + v.getString("handshake_vector"));
    Suite suite = Suite.byId(v.getJsonObject("suite").getInteger("id"));
    JsonObject hin = hv.getJsonObject("inputs");
    JsonObject in = v.getJsonObject("inputs");
    Parties.Server server =
        Parties.Server.ofInputs(
            hin,
            suite,
            new VectorRandomness(in.getJsonObject("server_randomness")),
            hin.getLong("server_clock"));
    Parties.Device device =
        Parties.Device.of(
            hin.getString("device_id_hex"),
            hin.getString("device_key"),
            suite,
            hin.getString("server_static_public"),
            new VectorRandomness(in.getJsonObject("client_randomness")));

    device.connection.startFull();
    Conversation.walk(v.getJsonArray("handshake_frames"), server, device);
    JsonArray frames = v.getJsonArray("frames");
    Conversation.walk(frames, server, device);

    // The key schedule the file states.
    byte[] ms =
        KeySchedule.masterSecret(
            dev.slmp.crypto.Hashes.sha256(hexFrame(hv, 0), hexFrame(hv, 1), hexFrame(hv, 2)),
            dev.slmp.crypto.Bytes.unhex(hv.getJsonObject("intermediates").getString("hs")));
    assertEquals(in.getString("K_c2s_key"), hex(KeySchedule.c2s(suite, ms).key()));
    assertEquals(in.getString("K_s2c_key"), hex(KeySchedule.s2c(suite, ms).key()));
    assertEquals(in.getString("K_c2s_iv"), hex(KeySchedule.c2s(suite, ms).iv()));
    assertEquals(in.getString("K_s2c_iv"), hex(KeySchedule.s2c(suite, ms).iv()));

    // What each application saw: the device's three DATA frames in order, the empty-topic one last.
    assertEquals(3, server.messages.size(), "server delivered every DATA once");
    assertEquals("sensors/temp", server.messages.get(0).topic());
    assertEquals(1, server.messages.get(0).seq());
    assertTrue(server.messages.get(1).ackRequested());
    InboundMessage empty = server.messages.get(2);
    assertEquals("", empty.topic());
    assertArrayEquals(new byte[0], empty.payload());
    assertEquals(2, device.messages.size(), "device got both server DATA frames");
    assertEquals(1, device.acks.size(), "device saw one ACK, for its seq 2");
    assertArrayEquals(new long[] {2, 0, 0}, device.acks.get(0));
    assertTrue(
        server.log.closed && server.log.closedByPeer, "the device's CLOSE ended the server side");
    assertEquals(CloseCode.NORMAL, server.log.closeCode);

    int sealed = 0;
    for (Object o : frames) {
      JsonObject f = (JsonObject) o;
      if (f.containsKey("seal")) {
        Conversation.checkSeal(
            suite, f.getJsonObject("seal"), file + " frame " + f.getInteger("index"));
        sealed++;
      }
    }
    Vectors.report(file, frames.size(), sealed + " seals re-made");
    assertEquals(10, frames.size());
  }

  private static byte[] hexFrame(JsonObject v, int i) {
    return dev.slmp.crypto.Bytes.unhex(v.getJsonArray("frames").getJsonObject(i).getString("hex"));
  }
}
