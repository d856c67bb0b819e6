package dev.slmp.services;

import dev.slmp.bus.Addresses;
import dev.slmp.crypto.Randomness;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.SlmpException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's side of {@link Addresses#HANDSHAKE}: a {@link ServerHandshaker} whose work is done
 * by a handshake verticle of this node. Stages complete on the caller's Vert.x context, as a
 * connection needs.
 */
public final class EventBusHandshaker implements ServerHandshaker {
  private final Vertx vertx;
  private final DeliveryOptions options;

  public EventBusHandshaker(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs);
  }

  private <T> CompletionStage<T> ask(HandshakeRequest r) {
    Future<T> f = vertx.eventBus().<T>request(Addresses.HANDSHAKE, r, options).map(m -> m.body());
    return f.recover(EventBusHandshaker::toSlmp).toCompletionStage();
  }

  static <T> Future<T> toSlmp(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      CloseCode code = CloseCode.of(re.failureCode());
      return Future.failedFuture(
          new SlmpException(code != null ? code : CloseCode.INTERNAL_ERROR, re.getMessage()));
    }
    // No handshake verticle answered in time: the node is overloaded, the device should retry.
    return Future.failedFuture(
        new SlmpException(CloseCode.BUSY, "handshake service unavailable; retry in 5 s"));
  }

  @Override
  public CompletionStage<HelloResult> hello(byte[] helloFrame, Randomness randomness) {
    return ask(new HandshakeRequest(HandshakeRequest.Kind.HELLO, helloFrame, null));
  }

  @Override
  public CompletionStage<Authenticated> auth(HandshakeState state, byte[] authFrame) {
    return ask(new HandshakeRequest(HandshakeRequest.Kind.AUTH, authFrame, state));
  }

  @Override
  public CompletionStage<Resumed> resume(byte[] resumeFrame, Randomness randomness) {
    return ask(new HandshakeRequest(HandshakeRequest.Kind.RESUME, resumeFrame, null));
  }
}
