package dev.slmp.session;

import static dev.slmp.crypto.Bytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.crypto.AeadSealer;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Walks the frames of a positive vector between a real server and a real device: each frame must be
 * produced byte for byte by its sender (asked by its application where the frame is
 * application-initiated), and is then fed to the receiver.
 */
final class Conversation {
  private Conversation() {}

  static String file(String suite, String scenario) {
    return "slmp1/suite" + suite + "_" + scenario + ".json";
  }

  static void walk(JsonArray frames, Parties.Server server, Parties.Device device) {
    walk(frames, server, device, -1, -1);
    assertEquals(
        0, server.log.outbox.size(), "server wrote more than the vector: " + server.log.outbox);
    assertEquals(
        0, device.log.outbox.size(), "device wrote more than the vector: " + device.log.outbox);
  }

  /**
   * Walks up to and including frame {@code breakAt}, whose byte at {@code breakByte} is flipped
   * before the receiver gets it; the walk stops there. {@code breakAt < 0} walks every frame
   * unchanged.
   */
  static void walk(
      JsonArray frames, Parties.Server server, Parties.Device device, int breakAt, int breakByte) {
    for (Object o : frames) {
      JsonObject f = (JsonObject) o;
      boolean c2s = "c2s".equals(f.getString("direction"));
      String type = f.getString("type");
      var producer = c2s ? device.log : server.log;
      if (producer.outbox.isEmpty()) {
        trigger(f, c2s, server, device);
      }
      String produced = producer.next(type);
      assertEquals(
          f.getString("hex"), produced, "frame " + f.getInteger("index") + " (" + type + ")");
      byte[] wire = unhex(produced);
      boolean last = f.getInteger("index") == breakAt;
      if (last) {
        wire[breakByte] ^= 0x01;
      }
      if (c2s) {
        server.connection.receive(wire);
      } else {
        device.connection.receive(wire);
      }
      if (last) {
        return;
      }
    }
  }

  /** The application actions behind application-initiated frames. */
  private static void trigger(
      JsonObject f, boolean c2s, Parties.Server server, Parties.Device device) {
    JsonObject d = f.getJsonObject("decoded");
    switch (f.getString("type")) {
      case "DATA":
        {
          boolean ack = (d.getInteger("flags") & 1) != 0;
          byte[] payload = unhex(d.getString("payload_hex"));
          if (c2s) {
            device.connection.sendData(d.getString("topic"), payload, ack);
          } else {
            server.connection.sendData(
                d.getString("topic").getBytes(StandardCharsets.UTF_8), payload, ack);
          }
          break;
        }
      case "PING":
        device.connection.ping();
        break;
      case "CLOSE":
        device.connection.close(CloseCode.of(d.getInteger("code")), d.getString("reason"));
        break;
      default:
        break;
    }
  }

  /** Re-seals a frame's {@code seal} object from its inputs and opens the output again. */
  static void checkSeal(Suite suite, JsonObject seal, String what) {
    byte[] key = unhex(seal.getString("key"));
    byte[] iv = unhex(seal.getString("iv"));
    long seq = seal.getLong("seq");
    byte[] aad = unhex(seal.getString("aad"));
    byte[] plain = unhex(seal.getString("plaintext"));
    Randomness fixed =
        seal.containsKey("fernet_iv")
            ? new OneStamp(unhex(seal.getString("fernet_iv")), seal.getLong("fernet_timestamp"))
            : null;
    if (suite != Suite.P256_FERNET) {
      assertEquals(seal.getString("nonce"), Bytes.hex(AeadSealer.nonce(iv, seq)), what + " nonce");
    }
    Sealer s = suite.sealer(key, iv, fixed);
    assertEquals(
        seal.getString("output"), Bytes.hex(s.seal(seq, aad, plain)), what + " seal output");
    try {
      assertArrayEquals(
          plain,
          suite.sealer(key, iv, fixed).open(seq, aad, unhex(seal.getString("output"))),
          what + " opens");
    } catch (OpenFailedException e) {
      throw new AssertionError(what + " output does not open", e);
    }
  }

  /** Randomness that holds exactly one Fernet stamp. */
  record OneStamp(byte[] iv, long timestamp) implements Randomness {
    @Override
    public byte[] ephemeralPrivate(DhGroup group) {
      throw new AssertionError("no ephemeral key expected");
    }

    @Override
    public byte[] nonce16() {
      throw new AssertionError("no nonce expected");
    }

    @Override
    public FernetStamp fernetStamp() {
      return new FernetStamp(iv, timestamp);
    }
  }
}
