package dev.slmp.session;

import static dev.slmp.crypto.Bytes.hex;
import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.testing.VectorRandomness;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code suiteNN_full_handshake.json}: HELLO, HELLO_REPLY, AUTH, WELCOME and every intermediate
 * value.
 */
class FullHandshakeVectorsTest {

  @ParameterizedTest(name = "suite {0}")
  @ValueSource(strings = {"01", "02", "03"})
  void serverAndDeviceReproduceEveryFrame(String id) throws Exception {
    String file = Conversation.file(id, "full_handshake");
    JsonObject v = Vectors.object(file);
    Suite suite = Suite.byId(v.getJsonObject("suite").getInteger("id"));
    JsonObject in = v.getJsonObject("inputs");
    Parties.Server server =
        Parties.Server.ofInputs(
            in,
            suite,
            new VectorRandomness(in.getJsonObject("server_randomness")),
            in.getLong("server_clock"));
    Parties.Device device =
        Parties.Device.of(
            in.getString("device_id_hex"),
            in.getString("device_key"),
            suite,
            in.getString("server_static_public"),
            new VectorRandomness(in.getJsonObject("client_randomness")));

    device.connection.startFull();
    JsonArray frames = v.getJsonArray("frames");
    Conversation.walk(frames, server, device);

    assertTrue(server.connection.isEstablished(), "server established");
    assertTrue(device.connection.isEstablished(), "device established");
    assertEquals(in.getString("device_id"), server.connection.deviceId());
    JsonObject im = v.getJsonObject("intermediates");
    assertNotNull(device.ticket, "device keeps a session");
    assertEquals(im.getString("session_id"), hex(device.ticket.sessionId()));
    assertEquals(im.getString("rs"), hex(device.ticket.rs()));
    SessionRecord stored =
        server.store.get(unhex(im.getString("session_id"))).toCompletableFuture().get();
    assertEquals(
        Parties.record(v.getJsonObject("server_session_record")),
        stored,
        "server's session record");

    int sealsChecked = 0;
    for (Object o : frames) {
      JsonObject f = (JsonObject) o;
      if (f.containsKey("seal")) {
        Conversation.checkSeal(suite, f.getJsonObject("seal"), file + " " + f.getString("type"));
        sealsChecked++;
      }
    }
    int intermediates = checkIntermediates(suite, in, im, frames);
    Vectors.report(
        file, frames.size(), intermediates + " intermediates, " + sealsChecked + " seals");
    assertEquals(4, frames.size());
    assertEquals(2, sealsChecked);
  }

  /**
   * Recomputes each intermediate from the inputs with the key schedule, independently of the
   * connections.
   */
  private static int checkIntermediates(
      Suite suite, JsonObject in, JsonObject im, JsonArray frames) {
    DhGroup g = suite.group();
    byte[] hello = unhex(frames.getJsonObject(0).getString("hex"));
    byte[] reply = unhex(frames.getJsonObject(1).getString("hex"));
    byte[] auth = unhex(frames.getJsonObject(2).getString("hex"));
    byte[] ecPriv = unhex(in.getString("client_ephemeral_private"));
    byte[] esPriv = unhex(in.getString("server_ephemeral_private"));
    byte[] sPriv = unhex(in.getString("server_static_private"));
    byte[] ecPub = unhex(in.getString("client_ephemeral_public"));
    byte[] esPub = unhex(in.getString("server_ephemeral_public"));
    assertEquals(in.getString("client_ephemeral_public"), hex(g.publicKey(ecPriv)));
    assertEquals(in.getString("server_ephemeral_public"), hex(g.publicKey(esPriv)));
    assertEquals(in.getString("server_static_public"), hex(g.publicKey(sPriv)));
    assertEquals(in.getString("key_id"), hex(KeySchedule.keyId(g.publicKey(sPriv))));
    assertEquals(
        in.getString("device_key"),
        hex(
            KeySchedule.deviceKey(
                unhex(in.getString("master_secret")), unhex(in.getString("device_id_hex")))));
    byte[] ee;
    byte[] es;
    try {
      ee = g.agree(esPriv, ecPub);
      es = g.agree(sPriv, ecPub);
      assertEquals(hex(ee), hex(g.agree(ecPriv, esPub)), "ee both ways");
      assertEquals(hex(es), hex(g.agree(ecPriv, g.publicKey(sPriv))), "es both ways");
    } catch (dev.slmp.crypto.InvalidKeyException e) {
      throw new AssertionError(e);
    }
    byte[] th1 = KeySchedule.th1(hello, esPub);
    byte[] hs = KeySchedule.handshakeSecret(th1, ee, es);
    byte[] th2 = Hashes.sha256(hello, reply);
    byte[] proof = KeySchedule.proof(unhex(in.getString("device_key")), th2);
    byte[] th3 = Hashes.sha256(hello, reply, auth);
    byte[] ms = KeySchedule.masterSecret(th3, hs);
    byte[] id = unhex(in.getString("device_id_hex"));
    byte[] welcome = new byte[9];
    Bytes.putU32(welcome, 0, in.getLong("lifetime"));
    welcome[4] = (byte) (in.getInteger("keepalive") >> 8);
    welcome[5] = (byte) (int) in.getInteger("keepalive");
    welcome[6] = (byte) (in.getInteger("max_body") >> 16);
    welcome[7] = (byte) (in.getInteger("max_body") >> 8);
    welcome[8] = (byte) (int) in.getInteger("max_body");
    Object[][] expected = {
      {"ee", ee},
      {"es", es},
      {"th1", th1},
      {"hs", hs},
      {"confirm_key", dev.slmp.crypto.Hkdf.expand(hs, dev.slmp.protocol.Labels.SERVER_CONFIRM, 32)},
      {"confirm", KeySchedule.serverConfirm(hs, th1)},
      {"th2", th2},
      {"K_auth_key", KeySchedule.authKey(suite, hs).key()},
      {"K_auth_iv", KeySchedule.authKey(suite, hs).iv()},
      {"proof", proof},
      {"auth_plaintext", Bytes.concat(new byte[] {(byte) id.length}, id, proof)},
      {"th3", th3},
      {"ms", ms},
      {"K_c2s_key", KeySchedule.c2s(suite, ms).key()},
      {"K_c2s_iv", KeySchedule.c2s(suite, ms).iv()},
      {"K_s2c_key", KeySchedule.s2c(suite, ms).key()},
      {"K_s2c_iv", KeySchedule.s2c(suite, ms).iv()},
      {"rs", KeySchedule.resumptionSecret(ms)},
      {"session_id", KeySchedule.sessionId(ms)},
      {"welcome_plaintext", welcome},
    };
    for (Object[] e : expected) {
      assertEquals(im.getString((String) e[0]), hex((byte[]) e[1]), "intermediate " + e[0]);
    }
    assertFalse(im.isEmpty());
    assertEquals(im.size(), expected.length, "every intermediate of the file is checked");
    return expected.length;
  }
}
