package dev.slmp.services;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.LocalCodec;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Hello;
import dev.slmp.protocol.SlmpException;
import dev.slmp.session.SessionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Serves {@link Addresses#HANDSHAKE}: HELLO → HELLO_REPLY, AUTH → WELCOME keys, RESUME → RESUMED,
 * with the node's static keys and session store; device credentials come from the auth verticle
 * over the event bus. Runs on an event loop by default. A P-256 HELLO (about 0.4 ms of CPU) goes to
 * a worker thread ({@code verticles.p256HandshakeOnWorker}, on by default); X25519 (0.15 ms) stays
 * on the loop: under load each was measured faster that way (README, Benchmarks). {@code
 * verticles.handshakeOnWorker} moves the whole verticle to worker threads.
 */
public final class HandshakeVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(HandshakeVerticle.class.getName());
  private final HandshakeSettings settings;
  private final ServerKeyRing keyRing;
  private final SessionStore sessions;
  private ServerHandshake handshake;
  private boolean p256OnWorker;

  public HandshakeVerticle(
      HandshakeSettings settings, ServerKeyRing keyRing, SessionStore sessions) {
    this.settings = settings;
    this.keyRing = keyRing;
    this.sessions = sessions;
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
    p256OnWorker = settings.p256OnWorker();
    handshake =
        new ServerHandshake(
            settings.protocol(),
            keyRing,
            new EventBusAuthenticator(vertx, settings.timeoutMs(), settings.localAuth()),
            sessions,
            () -> System.currentTimeMillis() / 1000);
    return vertx
        .eventBus()
        .<HandshakeRequest>localConsumer(Addresses.HANDSHAKE, this::serve)
        .completion();
  }

  /** Whether a HELLO names a P-256 suite (else, or when malformed, it is handled inline). */
  private static boolean isP256(byte[] hello) {
    Suite suite = Hello.suiteOf(hello);
    return suite != null && suite.group() == DhGroup.p256();
  }

  private void serve(Message<HandshakeRequest> msg) {
    HandshakeRequest r = msg.body();
    CompletionStage<?> result;
    switch (r.kind()) {
      case HELLO ->
          result =
              p256OnWorker && isP256(r.frame()) && !Context.isOnWorkerThread()
                  ? vertx
                      .executeBlocking(
                          () -> handshake.helloNow(r.frame(), Randomness.secure()), false)
                      .toCompletionStage()
                  : handshake.hello(r.frame(), Randomness.secure());
      case AUTH -> result = handshake.auth(r.state(), r.frame());
      default -> result = handshake.resume(r.frame(), Randomness.secure());
    }
    result.whenComplete(
        (value, err) -> {
          if (err == null) {
            msg.reply(value);
            return;
          }
          Throwable cause =
              err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          if (cause instanceof SlmpException se) {
            msg.fail(se.code().code(), se.getMessage());
          } else {
            LOG.log(
                System.Logger.Level.ERROR,
                "handshake failed; its connection closes INTERNAL_ERROR",
                cause);
            msg.fail(CloseCode.INTERNAL_ERROR.code(), "internal error");
          }
        });
  }
}
