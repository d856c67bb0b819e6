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
import java.util.Base64;
import java.util.concurrent.CompletionStage;

/**
 * Asks an auth verticle (of this node or, in a cluster, of any node) to check an AUTH. JSON
 * messages so an auth-only node can serve others. An auth service that does not answer is {@code
 * BUSY}, never a verdict.
 */
public final class EventBusAuthenticator implements DeviceAuthenticator {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private final Vertx vertx;
  private final DeliveryOptions options;

  public EventBusAuthenticator(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
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
        .<JsonObject>request(Addresses.AUTH_VERIFY, req, options)
        .map(m -> m.body().getString("device"))
        .recover(EventBusAuthenticator::verdictOrBusy)
        .toCompletionStage();
  }

  @Override
  public CompletionStage<Boolean> isRevoked(String deviceId) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.AUTH_REVOKED, new JsonObject().put("device", deviceId), options)
        .map(m -> m.body().getBoolean("revoked", true))
        .toCompletionStage();
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
