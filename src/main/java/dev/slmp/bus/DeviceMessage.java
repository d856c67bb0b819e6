package dev.slmp.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * A device's accepted DATA as applications receive it on {@link Addresses#IN} and {@link
 * Addresses#DELIVER}: the one definition of that message's fields and of its JSON
 * (docs/event-bus.md).
 *
 * <p>On the bus the body is the JSON of {@link #toJson()}, not this record: the TCP bridge and JSON
 * consumers in any language read it, Vert.x can encode nothing else for the bridge, and Vert.x
 * would write a raw {@code byte[]} as base64url where the contract says standard base64. Inside a
 * node the JSON is handed to {@code slmp.deliver}'s consumer without a copy (a local hand-over
 * codec), and it stays this record until a consumer reads it ({@link #toLazyJson()}): the built-in
 * inbox writes it as JSON once, the Kafka sink takes the record itself. JVM consumers read it with
 * {@link #of} (or {@link #fromJson}).
 *
 * @param device the authenticated device id
 * @param topic the DATA's topic, may be empty
 * @param payload the payload bytes; owned by this record once built (the node does not keep them)
 * @param seq the DATA's sequence number on its connection (0 for the prototype's format)
 * @param session the session id in hex, null for the prototype's format
 * @param node the id of the node that accepted it
 * @param receivedAt when the node accepted it, Unix epoch milliseconds
 * @param early 0-RTT data sent behind RESUME (spec 8): a captured first flight can arrive late,
 *     once
 */
public record DeviceMessage(
    String device,
    String topic,
    byte[] payload,
    long seq,
    String session,
    String node,
    long receivedAt,
    boolean early) {

  /** The documented JSON: payload in standard, padded base64. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("device", device)
        .put("topic", topic)
        .put("payload", Base64.getEncoder().encodeToString(payload))
        .put("seq", seq)
        .put("session", session)
        .put("node", node)
        .put("receivedAt", receivedAt)
        .put("early", early);
  }

  /**
   * Appends the bytes of {@code toJson().toBuffer()} to {@code out} without building the JsonObject
   * (same fields, order, escapes and numbers as Vert.x's Jackson encoder): the inbox writes one
   * such line per message, and the JsonObject and its encoding were a quarter of a durable
   * message's CPU.
   */
  public Buffer appendJson(Buffer out) {
    out.appendString("{\"device\":");
    appendJsonString(out, device);
    out.appendString(",\"topic\":");
    appendJsonString(out, topic);
    out.appendString(",\"payload\":\"");
    out.appendBytes(Base64.getEncoder().encode(payload));
    out.appendString("\",\"seq\":").appendString(Long.toString(seq));
    out.appendString(",\"session\":");
    appendJsonString(out, session);
    out.appendString(",\"node\":");
    appendJsonString(out, node);
    out.appendString(",\"receivedAt\":").appendString(Long.toString(receivedAt));
    out.appendString(early ? ",\"early\":true}" : ",\"early\":false}");
    return out;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * A JSON string as Jackson writes it: short escapes where JSON has them, the other control
   * characters and both halves of a surrogate pair as a 4-digit escape, the rest as UTF-8.
   */
  private static void appendJsonString(Buffer out, String s) {
    if (s == null) {
      out.appendString("null");
      return;
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\f' -> b.append("\\f");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) {
            // Jackson also writes each half of a surrogate pair as an escape (it does not combine
            // them into one 4-byte UTF-8 sequence by default).
            b.append("\\u")
                .append(HEX[c >> 12])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            b.append(c);
          }
        }
      }
    }
    out.appendString(b.append('"').toString());
  }

  /**
   * The documented JSON as a body for a send inside this JVM: its fields, and the payload's base64,
   * are made when a consumer first reads the body, not before, so a consumer that only answers (an
   * in-memory application) never pays for them. An ordinary mutable JsonObject in every other
   * respect; encoding it (cluster, bridge, {@code encode()}) makes the fields first. {@link #of}
   * gets this record back from such a body without parsing it.
   */
  public JsonObject toLazyJson() {
    return new JsonObject(new LazyDeviceJson(this));
  }

  /**
   * The message in {@code json}: the record itself when the body is an untouched {@link
   * #toLazyJson()}, otherwise {@link #fromJson} (a changed or remote body is read as JSON).
   *
   * @throws IllegalArgumentException naming the field when the body is not a device message
   */
  public static DeviceMessage of(JsonObject json) {
    if (json != null && json.getMap() instanceof LazyDeviceJson lazy && lazy.untouched()) {
      return lazy.message;
    }
    return fromJson(json);
  }

  /**
   * Reads the documented JSON back.
   *
   * @throws IllegalArgumentException naming the field when the body is not a device message
   */
  public static DeviceMessage fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("not a device message: no body");
    }
    String device = field(json, "device", String.class);
    if (device == null) {
      throw new IllegalArgumentException("not a device message: 'device' is missing");
    }
    String payload = field(json, "payload", String.class);
    byte[] bytes;
    try {
      bytes = payload == null ? new byte[0] : Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a device message: 'payload' is not base64");
    }
    String topic = field(json, "topic", String.class);
    Number seq = field(json, "seq", Number.class);
    Number at = field(json, "receivedAt", Number.class);
    Boolean early = field(json, "early", Boolean.class);
    return new DeviceMessage(
        device,
        topic == null ? "" : topic,
        bytes,
        seq == null ? 0 : seq.longValue(),
        field(json, "session", String.class),
        field(json, "node", String.class),
        at == null ? 0 : at.longValue(),
        early != null && early);
  }

  private static <T> T field(JsonObject json, String name, Class<T> type) {
    Object v = json.getValue(name);
    if (v != null && !type.isInstance(v)) {
      throw new IllegalArgumentException(
          "not a device message: '" + name + "' must be a " + type.getSimpleName().toLowerCase());
    }
    return type.cast(v);
  }

  @Override
  public String toString() {
    return "DeviceMessage["
        + device
        + ", topic="
        + topic
        + ", seq="
        + seq
        + (early ? ", early" : "")
        + ", "
        + payload.length
        + " bytes]";
  }
}
