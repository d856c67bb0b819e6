package dev.slmp.bus;

import io.vertx.core.json.JsonObject;

/**
 * The body of {@link Addresses#CONNECTED}, checked: another node's word that a device's connection
 * was established there. A node acts on it (it may close a connection), so a body that is not
 * exactly this shape, or that claims a time far in the future (which would win every takeover), is
 * not a notice at all and {@link #parse} returns {@code null}.
 *
 * @param device the device id (1 to 255 characters)
 * @param connection the connection's cluster-unique id (1 to 255 characters)
 * @param at when it was established, Unix epoch milliseconds (positive)
 * @param node the id of the node that holds it (1 to 255 characters)
 */
public record ConnectedNotice(String device, String connection, long at, String node) {
  /** Clock difference between nodes tolerated in {@code at}. */
  public static final long MAX_SKEW_MS = 5 * 60_000;

  private static final int MAX_TEXT = 255;

  /**
   * The notice in {@code body}, or {@code null} when {@code body} is not a well-formed notice made
   * no later than {@code nowMillis} plus {@link #MAX_SKEW_MS}.
   */
  public static ConnectedNotice parse(Object body, long nowMillis) {
    if (!(body instanceof JsonObject o) || o.size() != 4) {
      return null;
    }
    String device = text(o.getValue("device"));
    String connection = text(o.getValue("connection"));
    String node = text(o.getValue("node"));
    if (device == null
        || connection == null
        || node == null
        || !(o.getValue("at") instanceof Number n)
        || n.longValue() != n.doubleValue()) {
      return null;
    }
    long at = n.longValue();
    if (at <= 0 || at > nowMillis + MAX_SKEW_MS) {
      return null;
    }
    return new ConnectedNotice(device, connection, at, node);
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isEmpty() && s.length() <= MAX_TEXT ? s : null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("device", device)
        .put("connection", connection)
        .put("at", at)
        .put("node", node);
  }
}
