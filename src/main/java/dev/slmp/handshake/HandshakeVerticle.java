package dev.slmp.handshake;

import dev.slmp.auth.EventBusAuthenticator;
import dev.slmp.bus.Addresses;
import dev.slmp.bus.LocalCodec;
import dev.slmp.crypto.Randomness;
import dev.slmp.node.NodeServices;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.SlmpException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Serves {@link Addresses#HANDSHAKE}: HELLO → HELLO_REPLY, AUTH → WELCOME keys, RESUME → RESUMED, with the
 * node's static keys and session store; device credentials come from the auth verticle over the event bus.
 * Runs on an event loop by default (a server handshake costs 0.15 to 0.4 ms of CPU); config
 * {@code verticles.handshakeOnWorker} moves it to worker threads.
 */
public final class HandshakeVerticle extends VerticleBase {
  private final NodeServices services;
  private ServerHandshake handshake;

  public HandshakeVerticle(NodeServices services) {
    this.services = services;
  }

  /** Registers the local codecs of the handshake messages (idempotent). */
  public static void registerCodecs(io.vertx.core.Vertx vertx) {
    LocalCodec.register(vertx, HandshakeRequest.class);
    LocalCodec.register(vertx, ServerHandshaker.HelloResult.class);
    LocalCodec.register(vertx, ServerHandshaker.Authenticated.class);
    LocalCodec.register(vertx, ServerHandshaker.Resumed.class);
  }

  @Override
  public Future<?> start() {
    registerCodecs(vertx);
    long timeout = services.config().integer("handshakeTimeoutMs");
    handshake = new ServerHandshake(services.config().serverSettings(), services.data().keyRing(),
        new EventBusAuthenticator(vertx, timeout), services.sessions(), () -> System.currentTimeMillis() / 1000);
    return vertx.eventBus().<HandshakeRequest>localConsumer(Addresses.HANDSHAKE, this::serve).completion();
  }

  private void serve(Message<HandshakeRequest> msg) {
    HandshakeRequest r = msg.body();
    CompletionStage<?> result;
    switch (r.kind()) {
      case HELLO -> result = handshake.hello(r.frame(), Randomness.secure());
      case AUTH -> result = handshake.auth(r.state(), r.frame());
      default -> result = handshake.resume(r.frame(), Randomness.secure());
    }
    result.whenComplete((value, err) -> {
      if (err == null) {
        msg.reply(value);
        return;
      }
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (cause instanceof SlmpException se) {
        msg.fail(se.code().code(), se.getMessage());
      } else {
        msg.fail(CloseCode.INTERNAL_ERROR.code(), "internal error");
      }
    });
  }
}
