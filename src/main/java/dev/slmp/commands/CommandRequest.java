package dev.slmp.commands;

import dev.slmp.datadir.DeviceRegistry;
import dev.slmp.downlink.Command;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/**
 * Reads an enqueue request ({@code {"device", "topic", "payload", "ack", "ttlSeconds", "id"}}, from
 * the event bus, the admin API or the bridge) into a {@link Command}, or refuses it with a {@link
 * Refused} that names the field and why. Nothing about the device's registration here: {@link
 * Downlink} checks that.
 */
public final class CommandRequest {
  /** Longest time to live a request may ask for: a year. */
  static final long MAX_TTL_SECONDS = 365L * 24 * 3600;

  private static final Set<String> FIELDS =
      Set.of("device", "topic", "payload", "ack", "ttlSeconds", "id", "queue");

  private CommandRequest() {}

  /** A request refused: {@code code} is the failure code (and HTTP status) to answer with. */
  public static final class Refused extends RuntimeException {
    private final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    /** The failure code, also the HTTP status of the admin API. */
    public int code() {
      return code;
    }
  }

  static Command parse(Object body, QueueSettings settings, long now) {
    if (!(body instanceof JsonObject json)) {
      throw bad("the body must be a JSON object");
    }
    for (String f : json.fieldNames()) {
      if (!FIELDS.contains(f)) {
        throw bad("unknown field '" + f + "'");
      }
    }
    String device = string(json, "device", true);
    try {
      DeviceRegistry.validateId(device);
    } catch (IllegalArgumentException e) {
      throw bad("'device': " + e.getMessage());
    }
    String topic = string(json, "topic", true);
    if (topic.getBytes(StandardCharsets.UTF_8).length > Command.MAX_TOPIC_BYTES) {
      throw bad("'topic' is longer than " + Command.MAX_TOPIC_BYTES + " UTF-8 bytes");
    }
    String b64 = string(json, "payload", false);
    byte[] payload;
    try {
      payload = b64 == null ? new byte[0] : Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw bad("'payload' is not standard base64");
    }
    int frame = Command.largestBody(topic, payload.length);
    if (frame > settings.deviceMaxBody()) {
      throw bad(
          "'payload' too large: the DATA frame would be up to "
              + frame
              + " bytes, over the device's limit deviceMaxBody="
              + settings.deviceMaxBody());
    }
    Object ack = json.getValue("ack");
    if (ack != null && !(ack instanceof Boolean)) {
      throw bad("'ack' must be true or false");
    }
    long ttl = settings.defaultTtlSeconds();
    Object t = json.getValue("ttlSeconds");
    if (t != null) {
      if (!(t instanceof Integer || t instanceof Long)
          || ((Number) t).longValue() < 1
          || ((Number) t).longValue() > MAX_TTL_SECONDS) {
        throw bad("'ttlSeconds' must be a whole number from 1 to " + MAX_TTL_SECONDS);
      }
      ttl = ((Number) t).longValue();
    }
    String id = string(json, "id", false);
    if (id == null) {
      id = UUID.randomUUID().toString();
    } else if (!Command.validId(id)) {
      throw bad("'id' must be 1 to 64 of A-Z a-z 0-9 . _ : -");
    }
    return new Command(id, device, topic, payload, Boolean.TRUE.equals(ack), now, now + ttl * 1000);
  }

  private static String string(JsonObject json, String field, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw bad("'" + field + "' is missing");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw bad("'" + field + "' must be a string");
    }
    return s;
  }

  private static Refused bad(String message) {
    return new Refused(Downlink.FAIL_BAD_REQUEST, message);
  }
}
