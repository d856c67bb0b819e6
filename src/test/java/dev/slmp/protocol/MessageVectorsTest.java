package dev.slmp.protocol;

import static dev.slmp.crypto.Bytes.hex;
import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.crypto.Suite;
import dev.slmp.testing.Vectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every frame of the positive vectors (full handshake, resumption, data/ACK) through the message
 * types alone: each decodes to the fields the vector's {@code decoded} names, and encodes back to
 * the same bytes. The sealed frames' plaintexts come from their {@code seal} records; the
 * envelope's aad is rebuilt from flags and seq.
 */
class MessageVectorsTest {

  @ParameterizedTest(name = "suite {0}")
  @ValueSource(strings = {"01", "02", "03"})
  void everyFrameDecodesAndEncodesBack(String id) throws Exception {
    int n = 0;
    for (String kind : new String[] {"full_handshake", "resumption", "data_ack"}) {
      String file = "slmp1/suite" + id + "_" + kind + ".json";
      JsonObject v = Vectors.object(file);
      Suite suite = Suite.byId(v.getJsonObject("suite").getInteger("id"));
      JsonArray frames = v.getJsonArray("frames");
      for (int i = 0; i < frames.size(); i++) {
        check(suite, frames.getJsonObject(i), file + " frame " + i);
        n++;
      }
    }
    Vectors.report(
        "slmp1/suite" + id + "_{full_handshake,resumption,data_ack}.json",
        n,
        "decoded by the message types");
  }

  private static void check(Suite suite, JsonObject f, String what) throws SlmpException {
    byte[] wire = unhex(f.getString("hex"));
    Frame frame = Frame.parse(wire);
    JsonObject d = f.getJsonObject("decoded");
    JsonObject seal = f.getJsonObject("seal");
    byte[] plain = seal == null ? null : unhex(seal.getString("plaintext"));
    switch (f.getString("type")) {
      case "HELLO" -> {
        Hello h = Hello.decodeFrame(wire, EnumSet.of(suite));
        assertEquals(d.getInteger("suite"), h.suite().id(), what);
        assertEquals(d.getString("key_id"), hex(h.keyId()), what);
        assertEquals(d.getString("e_c"), hex(h.ephemeral()), what);
        assertArrayEquals(wire, h.frame(), what);
      }
      case "HELLO_REPLY" -> {
        HelloReply r = HelloReply.decode(frame.body(), suite.group());
        assertEquals(d.getString("e_s"), hex(r.ephemeral()), what);
        assertEquals(d.getString("confirm"), hex(r.confirm()), what);
        assertArrayEquals(wire, r.frame(), what);
      }
      case "AUTH" -> {
        assertEquals("03", seal.getString("aad"), what + ": AUTH's aad is its type");
        Auth a = Auth.decode(plain);
        assertEquals(d.getString("device_id_hex"), hex(a.deviceId()), what);
        assertEquals(d.getString("proof"), hex(a.proof()), what);
        assertArrayEquals(plain, a.encode(), what);
      }
      case "RESUME" -> {
        Resume r = Resume.decodeFrame(wire, EnumSet.of(suite));
        assertEquals(d.getString("session_id"), hex(r.sessionId()), what);
        assertEquals(d.getLong("counter"), r.counter(), what);
        assertEquals(d.getString("nonce_c"), hex(r.nonce()), what);
        assertEquals(d.getString("binder"), hex(r.binder()), what);
        assertArrayEquals(wire, r.frame(), what);
      }
      case "RESUMED" -> {
        Resumed r = Resumed.decode(frame.body());
        assertEquals(d.getString("nonce_s"), hex(r.nonce()), what);
        assertEquals(d.getString("confirm"), hex(r.confirm()), what);
        assertArrayEquals(wire, r.frame(), what);
      }
      case "WELCOME" -> {
        envelope(wire, d, seal, what);
        Welcome w = Welcome.decode(plain);
        assertEquals(
            new Welcome(d.getLong("lifetime"), d.getInteger("keepalive"), d.getInteger("max_body")),
            w,
            what);
        assertArrayEquals(plain, w.encode(), what);
      }
      case "DATA" -> {
        envelope(wire, d, seal, what);
        Data m = Data.decode(plain);
        assertEquals(d.getString("topic"), m.topic(), what);
        assertEquals(d.getString("payload_hex"), hex(m.payload()), what);
        assertArrayEquals(plain, m.encode(), what);
        assertEquals(
            frame.body().length,
            Data.bodyLength(suite, m.encode().length - 1 - m.payload().length, m.payload().length),
            what + ": Data.bodyLength");
      }
      case "ACK" -> {
        envelope(wire, d, seal, what);
        Ack a = Ack.decode(plain);
        assertEquals(
            new Ack(d.getLong("acked_seq"), AckStatus.of(d.getInteger("status"))), a, what);
        assertArrayEquals(plain, a.encode(), what);
      }
      case "CLOSE" -> {
        Close c = Close.decode(frame.body());
        assertEquals(d.getInteger("code"), c.code(), what);
        assertEquals(d.getString("reason", ""), c.reason(), what);
        assertArrayEquals(wire, c.frame(), what);
      }
      case "PING", "PONG" -> assertEquals(0, frame.body().length, what);
      default -> throw new AssertionError(what + ": unexpected type " + f.getString("type"));
    }
  }

  /**
   * {@code flags || seq} read through {@link SealedFrames}, and the aad the spec builds from them.
   */
  private static void envelope(byte[] wire, JsonObject d, JsonObject seal, String what) {
    int flags = SealedFrames.frameFlags(wire);
    long seq = SealedFrames.frameSeq(wire);
    assertEquals(d.getInteger("flags"), flags, what);
    assertEquals(d.getLong("seq"), seq, what);
    assertEquals(
        seal.getString("aad"), hex(SealedFrames.aad(Frame.typeOf(wire), flags, seq)), what);
    byte[] body = Frame.parse(wire).body();
    assertEquals(flags, SealedFrames.flags(body), what);
    assertEquals(seq, SealedFrames.seq(body), what);
  }
}
