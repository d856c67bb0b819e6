package dev.slmp.session;

import static dev.slmp.crypto.Bytes.hex;
import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.Hkdf;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.protocol.Labels;
import dev.slmp.protocol.Resume;
import dev.slmp.protocol.Resumed;
import dev.slmp.protocol.SlmpException;
import dev.slmp.testing.VectorRandomness;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code suiteNN_resumption.json}: RESUME + EARLY DATA, RESUMED, ordinary DATA, ACKs told apart by
 * the EARLY flag.
 */
class ResumptionVectorsTest {

  @ParameterizedTest(name = "suite {0}")
  @ValueSource(strings = {"01", "02", "03"})
  void resumeWithEarlyData(String id) throws Exception {
    String file = Conversation.file(id, "resumption");
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
            in.getLong("server_clock"));
    server.store.put(Parties.record(in.getJsonObject("server_store_before")));
    server.holdEarlyAcksUntilNextData();
    Parties.Device device =
        Parties.Device.of(
            hin.getString("device_id_hex"),
            hin.getString("device_key"),
            suite,
            hin.getString("server_static_public"),
            new VectorRandomness(in.getJsonObject("client_randomness")));

    DeviceTicket ticket = Parties.ticket(in.getJsonObject("client_ticket")).nextCounter();
    assertEquals(in.getLong("resume_counter"), ticket.lastCounter());
    device.connection.startResume(ticket);
    JsonArray frames = v.getJsonArray("frames");
    Conversation.walk(frames, server, device);

    assertTrue(server.connection.isResumed() && server.connection.isEstablished());
    assertTrue(device.connection.isResumed() && device.connection.isEstablished());
    assertEquals(3, server.messages.size());
    assertTrue(
        server.messages.get(0).early()
            && server.messages.get(1).early()
            && !server.messages.get(2).early());
    // Frame 5 acknowledges the ordinary DATA seq 1, frame 6 the EARLY DATA seq 1: only the flag
    // tells them apart.
    assertEquals(2, device.acks.size());
    assertArrayEquals(new long[] {1, 0, 0}, device.acks.get(0));
    assertArrayEquals(new long[] {1, 1, 0}, device.acks.get(1));
    assertEquals(0, device.connection.unacknowledged());
    SessionRecord after =
        server
            .store
            .get(unhex(in.getJsonObject("server_store_before").getString("session_id")))
            .toCompletableFuture()
            .get();
    assertEquals(
        Parties.record(v.getJsonObject("server_store_after")), after, "counter advanced to 1");

    int n = checkIntermediates(suite, ticket, v.getJsonObject("intermediates"), frames);
    int sealed = 0;
    for (Object o : frames) {
      JsonObject f = (JsonObject) o;
      if (f.containsKey("seal")) {
        Conversation.checkSeal(
            suite, f.getJsonObject("seal"), file + " frame " + f.getInteger("index"));
        sealed++;
      }
    }
    Vectors.report(file, frames.size(), n + " intermediates, " + sealed + " seals re-made");
    assertEquals(7, frames.size());
  }

  private static int checkIntermediates(
      Suite suite, DeviceTicket t, JsonObject im, JsonArray frames) throws SlmpException {
    byte[] resume = unhex(frames.getJsonObject(0).getString("hex"));
    Resume r = Resume.decodeFrame(resume, EnumSet.of(suite));
    byte[] nonceC = r.nonce();
    byte[] binderInput = r.binderInput();
    byte[] nonceS =
        Resumed.decode(Frame.parse(unhex(frames.getJsonObject(3).getString("hex"))).body()).nonce();
    byte[] thR = Hashes.sha256(resume, nonceS);
    byte[] ms = KeySchedule.masterSecret(thR, t.rs());
    Object[][] expected = {
      {"session_id", t.sessionId()},
      {"rs", t.rs()},
      {"nonce_c", nonceC},
      {"binder_input", binderInput},
      {"binder_key", Hkdf.expand(t.rs(), Labels.BINDER, 32)},
      {"binder", KeySchedule.binder(t.rs(), binderInput)},
      {"K_early_key", KeySchedule.earlyKey(suite, t.rs(), t.lastCounter(), nonceC).key()},
      {"K_early_iv", KeySchedule.earlyKey(suite, t.rs(), t.lastCounter(), nonceC).iv()},
      {"nonce_s", nonceS},
      {"th_r", thR},
      {"ms", ms},
      {"confirm_key", Hkdf.expand(ms, Labels.SERVER_CONFIRM, 32)},
      {"confirm", KeySchedule.serverConfirm(ms, thR)},
      {"K_c2s_key", KeySchedule.c2s(suite, ms).key()},
      {"K_c2s_iv", KeySchedule.c2s(suite, ms).iv()},
      {"K_s2c_key", KeySchedule.s2c(suite, ms).key()},
      {"K_s2c_iv", KeySchedule.s2c(suite, ms).iv()},
    };
    for (Object[] e : expected) {
      assertEquals(im.getString((String) e[0]), hex((byte[]) e[1]), "intermediate " + e[0]);
    }
    assertEquals(im.size(), expected.length, "every intermediate of the file is checked");
    return expected.length;
  }
}
