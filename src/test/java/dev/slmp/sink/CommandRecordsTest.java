package dev.slmp.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a command record can be wrong gets a clear refusal; a good one reads exactly. */
class CommandRecordsTest {
  private static KafkaHeader h(String k, String v) {
    return KafkaHeader.header(k, v);
  }

  private static String refused(String key, List<KafkaHeader> headers) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> CommandRecords.command("id", key, Buffer.buffer("x"), headers))
        .getMessage();
  }

  @Test
  void aGoodRecord() {
    JsonObject c =
        CommandRecords.command(
            "kafka-0-7",
            "dev-1",
            Buffer.buffer(new byte[] {0, (byte) 0xff}),
            List.of(h("topic", "valve/1"), h("ack", "false"), h("ttl", "60")));
    assertEquals(
        new JsonObject()
            .put("id", "kafka-0-7")
            .put("device", "dev-1")
            .put("topic", "valve/1")
            .put("payload", "AP8=")
            .put("ack", false)
            .put("ttlSeconds", 60L),
        c);
    JsonObject d = CommandRecords.command("i", "dev-1", null, List.of(h("topic", "t")));
    assertEquals("", d.getString("payload"));
    assertEquals(true, d.getBoolean("ack"), "ack by default");
    assertFalse(d.containsKey("ttlSeconds"));
  }

  @Test
  void badRecordsAreRefusedByName() {
    List<KafkaHeader> topic = List.of(h("topic", "t"));
    assertEquals("no key: the key names the device", refused(null, topic));
    assertEquals("no key: the key names the device", refused(" ", topic));
    assertEquals("no 'topic' header", refused("d", List.of(h("ack", "true"))));
    assertEquals(
        "header 'ack' must be true or false",
        refused("d", List.of(h("topic", "t"), h("ack", "yes"))));
    for (String ttl : new String[] {"0", "-5", "abc", "99999999999999999999", "31536001"}) {
      assertEquals(
          "header 'ttl' must be whole seconds from 1 to 31536000",
          refused("d", List.of(h("topic", "t"), h("ttl", ttl))),
          ttl);
    }
    assertEquals(
        "header 'topic' is not UTF-8 text",
        refused(
            "d",
            List.of(KafkaHeader.header("topic", Buffer.buffer(new byte[] {(byte) 0xc3, 0x28})))));
    assertEquals(
        "valve",
        CommandRecords.command(
                "i",
                "d",
                Buffer.buffer("p".getBytes(StandardCharsets.UTF_8)),
                List.of(h("topic", "first"), h("topic", "valve")))
            .getString("topic"),
        "the last header of a name counts");
  }
}
