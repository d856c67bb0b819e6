package dev.slmp.fuzz;

import static dev.slmp.crypto.Bytes.unhex;

import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.session.DeviceTicket;
import dev.slmp.session.SessionRecord;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One suite's real flights, taken from the shared vectors rather than from the code under test: the
 * handshake and resumption frames, every key the key schedule gives (so the fuzzer can seal any
 * plaintext, well formed or not, exactly as a peer holding those keys would), and the fixed
 * randomness that makes both state machines reproduce those frames byte for byte.
 */
final class FuzzFixture {
  /**
   * Key tags: which key a frame was sealed with. The tag of fixture i is {@code i * KINDS + kind}.
   */
  static final int C2S = 0;

  static final int S2C = 1;
  static final int R_C2S = 2;
  static final int R_S2C = 3;
  static final int EARLY = 4;
  static final int KINDS = 5;

  final int index;
  final Suite suite;
  final byte[] hello;
  final byte[] helloReply;
  final byte[] auth;
  final byte[] welcome;
  final byte[] welcomePlain;
  final byte[] resume;
  final byte[] resumed;
  final byte[][] keys = new byte[KINDS][];
  final byte[][] ivs = new byte[KINDS][];
  final byte[] clientEphemeral;
  final byte[] serverEphemeral;
  final byte[] nonceC;
  final byte[] nonceS;
  final Randomness.FernetStamp authStamp;
  final JsonObject storeBefore;
  final JsonObject ticket;
  final byte[] sessionId;
  final String deviceId;
  final byte[] deviceKey;
  final byte[] serverStaticPrivate;
  final byte[] serverStaticPublic;
  final byte[] keyId;
  final byte[] masterSecret;
  final long resumeClock;

  FuzzFixture(int index, String id) {
    this.index = index;
    JsonObject full = Vectors.object("slmp1/suite" + id + "_full_handshake.json");
    JsonObject res = Vectors.object("slmp1/suite" + id + "_resumption.json");
    suite = Suite.byId(full.getJsonObject("suite").getInteger("id"));
    JsonArray ff = full.getJsonArray("frames");
    hello = hex(ff, 0);
    helloReply = hex(ff, 1);
    auth = hex(ff, 2);
    welcome = hex(ff, 3);
    JsonObject im = full.getJsonObject("intermediates");
    welcomePlain = unhex(im.getString("welcome_plaintext"));
    put(C2S, im, "K_c2s");
    put(S2C, im, "K_s2c");
    JsonArray rf = res.getJsonArray("frames");
    resume = hex(rf, 0);
    resumed = hex(rf, 3);
    JsonObject ri = res.getJsonObject("intermediates");
    put(R_C2S, ri, "K_c2s");
    put(R_S2C, ri, "K_s2c");
    put(EARLY, ri, "K_early");
    JsonObject in = full.getJsonObject("inputs");
    clientEphemeral = unhex(in.getString("client_ephemeral_private"));
    serverEphemeral = unhex(in.getString("server_ephemeral_private"));
    JsonArray seals = in.getJsonObject("client_randomness").getJsonArray("fernet_seals");
    authStamp =
        seals.isEmpty()
            ? null
            : new Randomness.FernetStamp(
                unhex(seals.getJsonObject(0).getString("iv")),
                seals.getJsonObject(0).getLong("timestamp"));
    JsonObject rin = res.getJsonObject("inputs");
    nonceC = unhex(rin.getString("nonce_c"));
    nonceS = unhex(rin.getString("nonce_s"));
    storeBefore = rin.getJsonObject("server_store_before");
    ticket = rin.getJsonObject("client_ticket");
    sessionId = unhex(storeBefore.getString("session_id"));
    resumeClock = rin.getLong("server_clock");
    deviceId = in.getString("device_id");
    deviceKey = unhex(in.getString("device_key"));
    serverStaticPrivate = unhex(in.getString("server_static_private"));
    serverStaticPublic = unhex(in.getString("server_static_public"));
    keyId = unhex(in.getString("key_id"));
    masterSecret = unhex(in.getString("master_secret"));
  }

  private void put(int kind, JsonObject o, String name) {
    keys[kind] = unhex(o.getString(name + "_key"));
    ivs[kind] = unhex(o.getString(name + "_iv"));
  }

  private static byte[] hex(JsonArray frames, int i) {
    return unhex(frames.getJsonObject(i).getString("hex"));
  }

  int tag(int kind) {
    return index * KINDS + kind;
  }

  int publicKeyLength() {
    return suite == Suite.X25519_CHACHA20POLY1305 ? 32 : 65;
  }

  /** The session record the server holds before a resumption, with a chosen counter and expiry. */
  SessionRecord record(long resumeCounter, long expires) {
    return new SessionRecord(
        sessionId,
        storeBefore.getString("device_id"),
        suite,
        unhex(storeBefore.getString("rs")),
        expires,
        resumeCounter);
  }

  byte[] rs() {
    return unhex(storeBefore.getString("rs"));
  }

  long recordExpires() {
    return storeBefore.getLong("expires");
  }

  /** What the device kept, already advanced to the counter its RESUME carries (the vector's). */
  DeviceTicket ticket() {
    return new DeviceTicket(
            sessionId,
            unhex(ticket.getString("rs")),
            suite,
            ticket.getLong("last_counter_used"),
            ticket.getInteger("keepalive"),
            ticket.getInteger("max_body"),
            Long.MAX_VALUE)
        .nextCounter();
  }

  /** The resume counter inside the vector's RESUME. */
  long resumeCounter() {
    return FuzzWire.u32(resume, 4 + 18);
  }
}
