package dev.slmp.sink;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Reads a record of {@code kafka.commandTopic} into the downlink queue's request: key the device
 * id, value the payload (none: empty), header {@code topic} (required, UTF-8), {@code ack} ({@code
 * true} or {@code false}; absent: true), {@code ttl} (seconds, 1 to 31,536,000; absent: the queue's
 * default). Anything else is refused with a message naming what is wrong; the queue checks the rest
 * (device known, sizes).
 */
final class CommandRecords {
  static final long MAX_TTL_SECONDS = 365L * 24 * 3600;

  private CommandRecords() {}

  static JsonObject command(String id, String device, Buffer value, List<KafkaHeader> headers) {
    if (device == null || device.isBlank()) {
      throw new IllegalArgumentException("no key: the key names the device");
    }
    String topic = header(headers, "topic");
    if (topic == null) {
      throw new IllegalArgumentException("no 'topic' header");
    }
    String ack = header(headers, "ack");
    if (ack != null && !ack.equals("true") && !ack.equals("false")) {
      throw new IllegalArgumentException("header 'ack' must be true or false");
    }
    JsonObject c =
        new JsonObject()
            .put("id", id)
            .put("device", device)
            .put("topic", topic)
            .put(
                "payload",
                Base64.getEncoder().encodeToString(value == null ? new byte[0] : value.getBytes()))
            .put("ack", ack == null || ack.equals("true"));
    String ttl = header(headers, "ttl");
    if (ttl != null) {
      long seconds;
      try {
        seconds = Long.parseLong(ttl);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
        throw new IllegalArgumentException(
            "header 'ttl' must be whole seconds from 1 to " + MAX_TTL_SECONDS);
      }
      c.put("ttlSeconds", seconds);
    }
    return c;
  }

  /** The last header of that name as UTF-8 text; null when absent; refused when not UTF-8. */
  private static String header(List<KafkaHeader> headers, String name) {
    String found = null;
    for (KafkaHeader h : headers) {
      if (h.key().equals(name)) {
        try {
          found =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(java.nio.ByteBuffer.wrap(h.value().getBytes()))
                  .toString();
        } catch (CharacterCodingException e) {
          throw new IllegalArgumentException("header '" + name + "' is not UTF-8 text");
        }
      }
    }
    return found;
  }
}
