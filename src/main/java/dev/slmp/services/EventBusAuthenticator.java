package dev.slmp.services;

import dev.slmp.auth.DeviceAuthenticator;
import dev.slmp.bus.Addresses;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.SlmpException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletionStage;

/**
 * Asks an auth verticle (of this node or, in a cluster, of any node) to check an AUTH. JSON
 * messages so an auth-only node can serve others. An auth service that does not answer is {@code
 * BUSY}, never a verdict. A reply is believed only about the device it was asked about: the event
 * bus is a network, and a reply is only as trustworthy as its sender (see docs/security.md).
 */
public final class EventBusAuthenticator implements DeviceAuthenticator {
  private static final System.Logger LOG = System.getLogger(EventBusAuthenticator.class.getName());
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private final Vertx vertx;
  private final DeliveryOptions options;

  public EventBusAuthenticator(Vertx vertx, long timeoutMs) {
    this(vertx, timeoutMs, false);
  }

  /**
   * {@code localOnly}: ask only this node's auth verticles (it has some). A handshake then never
   * waits on another node, and no other member of the cluster can answer for a device.
   */
  public EventBusAuthenticator(Vertx vertx, long timeoutMs, boolean localOnly) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(localOnly);
  }

  @Override
  public CompletionStage<String> authenticate(byte[] deviceId, byte[] th2, byte[] proof) {
    JsonObject req =
        new JsonObject()
            .put("id", B64.encodeToString(deviceId))
            .put("th2", B64.encodeToString(th2))
            .put("proof", B64.encodeToString(proof));
    return vertx
        .eventBus()
        .request(Addresses.AUTH_VERIFY, req, options)
        .recover(EventBusAuthenticator::verdictOrBusy)
        .compose(m -> verifiedDevice(m.body(), deviceId))
        .toCompletionStage();
  }

  @Override
  public CompletionStage<Boolean> isRevoked(String deviceId) {
    return vertx
        .eventBus()
        .request(Addresses.AUTH_REVOKED, new JsonObject().put("device", deviceId), options)
        .map(m -> revokedVerdict(m.body(), deviceId))
        .toCompletionStage();
  }

  /**
   * The device an auth reply vouches for, only when it is the one that was asked about: a reply
   * naming another device (a forged reply from a hostile member of the event bus, or a confused
   * auth service) or no device at all authenticates nobody.
   */
  static Future<String> verifiedDevice(Object body, byte[] askedId) {
    String named =
        body instanceof JsonObject o && o.getValue("device") instanceof String s ? s : null;
    if (named != null && MessageDigest.isEqual(named.getBytes(StandardCharsets.UTF_8), askedId)) {
      return Future.succeededFuture(named);
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "refused an auth reply that does not name the device asked about (a foreign member on the"
            + " event bus?)");
    return Future.failedFuture(new SlmpException(CloseCode.AUTH_FAILED, "authentication failed"));
  }

  /**
   * {@code false} only when the reply says so about the device asked about; anything else counts as
   * revoked (fail closed).
   */
  static boolean revokedVerdict(Object body, String askedId) {
    return !(body instanceof JsonObject o
        && askedId.equals(o.getValue("device"))
        && Boolean.FALSE.equals(o.getValue("revoked")));
  }

  private static <T> Future<T> verdictOrBusy(Throwable err) {
    if (err instanceof ReplyException re
        && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == CloseCode.AUTH_FAILED.code()) {
      return Future.failedFuture(new SlmpException(CloseCode.AUTH_FAILED, "authentication failed"));
    }
    return Future.failedFuture(
        new SlmpException(CloseCode.BUSY, "authentication service unavailable; retry in 5 s"));
  }
}
