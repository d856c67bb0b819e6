package dev.slmp.bus;

/**
 * Every event-bus address SLMP uses, with its message shapes: the one place they are written down
 * in code ({@code docs/event-bus.md} is the same contract for people).
 *
 * <h2>Public: for applications, in any language</h2>
 *
 * <ul>
 *   <li>{@link #IN} — publish. Every accepted DATA, as the JSON of a {@link DeviceMessage} {@code
 *       {"device": id, "topic": t, "payload": base64, "seq": n, "session": hex, "node": nodeId,
 *       "receivedAt": epochMillis, "early": bool}}.
 *   <li>{@link #DELIVER} — request/reply, same JSON, only for DATA with ACK_REQUESTED. Any reply:
 *       ACK ACCEPTED. {@code fail(2, …)}: REJECTED. No consumer, another failure code, or no answer
 *       within {@code delivery.timeoutMs}: NOT_DELIVERED.
 *   <li>{@link #out(String)} {@code slmp.out.<deviceId>} — request/reply, consumed by the node that
 *       holds the device's connection. Body {@code {"topic": t, "payload": base64, "ack": bool}}.
 *       Reply {@code {"seq": n, "status": "WRITTEN" | "ACCEPTED" | "NOT_DELIVERED" | "REJECTED"}}:
 *       after the device's ACK when {@code ack} is true, else after the write. Failures: {@code
 *       NO_HANDLERS} when the device is not connected; code {@link #FAIL_BAD_REQUEST} for a bad
 *       body; {@link #FAIL_CONNECTION_LOST} when the connection ended before the ACK. With {@code
 *       "queue": true} in the body (and {@code "ttlSeconds"}, {@code "id"} allowed) the request is
 *       an enqueue instead, answered like {@link #COMMANDS}, whether the device is connected or
 *       not.
 *   <li>{@link #COMMANDS} — request/reply: queue a command for a device, delivered at once when it
 *       is connected, else right after its next WELCOME or RESUMED on any node. Body {@code
 *       {"device": id, "topic": t, "payload": base64, "ack": bool, "ttlSeconds": n, "id": cid}}
 *       ({@code device} and {@code topic} required). Reply {@code {"id": cid, "status": "QUEUED"}}
 *       once the command is durable; failures {@link #FAIL_BAD_REQUEST} (the message names the
 *       field), {@link #FAIL_UNKNOWN_DEVICE}, {@link #FAIL_REVOKED}, {@link #FAIL_DUPLICATE},
 *       {@link #FAIL_QUEUE_FULL}, {@link #FAIL_UNAVAILABLE}.
 *   <li>{@link #RECEIPT} — publish: {@code {"id": cid, "device": id, "outcome": "DELIVERED" |
 *       "ACCEPTED" | "REJECTED" | "EXPIRED" | "CANCELLED", "at": epochMillis}}, once per outcome of
 *       a queued command.
 * </ul>
 *
 * <h2>Internal: between SLMP's own verticles</h2>
 *
 * <ul>
 *   <li>{@link #HANDSHAKE} — local request/reply, {@code HandshakeRequest} objects (zero-copy
 *       codec); the reply is the {@code ServerHandshaker} result, a failure carries the CLOSE code
 *       as failure code.
 *   <li>{@link #AUTH_VERIFY} — request/reply JSON {@code {"id": base64, "th2": base64, "proof":
 *       base64}} → {@code {"device": id}}, or failure code 5 (AUTH_FAILED). JSON so an auth-only
 *       node can serve others. A reply naming another device than {@code id} is AUTH_FAILED.
 *   <li>{@link #AUTH_REVOKED} — request/reply JSON {@code {"device": id}} → {@code {"device": id,
 *       "revoked": bool}}; a reply about another device, or without the boolean, counts as revoked.
 *   <li>{@link #crypto(int)} {@code slmp.internal.crypto.<n>} — local request/reply, {@code
 *       CryptoJob} objects (zero-copy), one address per crypto verticle instance so a connection's
 *       frames stay in order.
 *   <li>{@link #adminNode(String)} {@code slmp.internal.admin.<nodeId>} — request/reply JSON
 *       between nodes' admin APIs: a node's connection list, or closing a device's connection
 *       there.
 *   <li>{@link #INBOX_HEALTH} — local request/reply, any body → empty reply when the inbox accepts,
 *       else failure 1 and why. The readiness probe asks it.
 *   <li>{@link #SINK_HEALTH} — the same question, of the Kafka sink.
 * </ul>
 */
public final class Addresses {
  public static final String IN = "slmp.in";
  public static final String DELIVER = "slmp.deliver";
  public static final String OUT_PREFIX = "slmp.out.";

  /** Request/reply: queue a command for a device (see the class comment). */
  public static final String COMMANDS = "slmp.commands";

  /**
   * Publish: the outcome of a queued command. Also a {@code slmp.out.} address, so a bridge client
   * needs an outbound rule for it (a device's id cannot be {@code receipt} there).
   */
  public static final String RECEIPT = "slmp.out.receipt";

  public static final String HANDSHAKE = "slmp.internal.handshake";
  public static final String AUTH_VERIFY = "slmp.internal.auth.verify";
  public static final String AUTH_REVOKED = "slmp.internal.auth.revoked";
  public static final String CRYPTO_PREFIX = "slmp.internal.crypto.";

  /**
   * Publish, JSON {@code {"device": id, "connection": "<node id>/<serial>", "at": epochMillis,
   * "node": nodeId}}: a device's connection was established; every node closes an older connection
   * of that device ({@code CLOSE(NORMAL, "taken over")}). Read through {@link ConnectedNotice},
   * which refuses anything else. Every {@code slmp.internal.*} address is node-only: the bridge
   * refuses rules that reach them, and between nodes the event bus needs the cluster's TLS.
   */
  public static final String CONNECTED = "slmp.internal.connected";

  /**
   * Local, request with any body: the inbox answers with an empty reply when it accepts messages,
   * else fails with code 1 and why (queue full, disk low, write failed). The readiness probe asks
   * it.
   */
  public static final String INBOX_HEALTH = "slmp.internal.inbox.health";

  /**
   * Local, request with any body: the Kafka sink answers with an empty reply while its cluster is
   * reachable and its last record was acknowledged, else fails with code 1 and why. The readiness
   * probe asks it.
   */
  public static final String SINK_HEALTH = "slmp.internal.sink.health";

  public static final String ADMIN_NODE_PREFIX = "slmp.internal.admin.";

  /**
   * {@code slmp.internal.admin.<nodeId>}: request/reply JSON, answered by that node for any node's
   * admin API. {@code {"op": "connections"}} → {@code {"connections": [...]}}; {@code {"op":
   * "close", "device": id}} → {@code {"closed": bool}} (CLOSE(NORMAL, "closed by operator")).
   */
  public static String adminNode(String nodeId) {
    return ADMIN_NODE_PREFIX + nodeId;
  }

  /** A {@code slmp.deliver} consumer fails with this code to have the device told REJECTED. */
  public static final int FAIL_REJECTED = 2;

  /** {@code slmp.out.*}: the request body is not valid. */
  public static final int FAIL_BAD_REQUEST = 400;

  /** {@code slmp.out.*}: the connection ended before the device acknowledged. */
  public static final int FAIL_CONNECTION_LOST = 410;

  /** {@link #COMMANDS}: the device is revoked. */
  public static final int FAIL_REVOKED = 403;

  /** {@link #COMMANDS}: the device has no key (not registered, and the node derives none). */
  public static final int FAIL_UNKNOWN_DEVICE = 404;

  /** {@link #COMMANDS}: a command with this id is queued for the device already. */
  public static final int FAIL_DUPLICATE = 409;

  /** {@link #COMMANDS}: {@code queue.maxPerDevice} or {@code queue.maxDevices} reached. */
  public static final int FAIL_QUEUE_FULL = 429;

  /** {@link #COMMANDS}: the command store failed or did not answer in time. */
  public static final int FAIL_UNAVAILABLE = 503;

  private Addresses() {}

  public static String out(String deviceId) {
    return OUT_PREFIX + deviceId;
  }

  public static String crypto(int instance) {
    return CRYPTO_PREFIX + instance;
  }
}
