package dev.slmp.services;

import dev.slmp.auth.ProofVerifier;
import dev.slmp.bus.Addresses;
import dev.slmp.datadir.DeviceRegistry;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.SlmpException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * Serves {@link Addresses#AUTH_VERIFY} and {@link Addresses#AUTH_REVOKED} from the node's device
 * registry and master secret (spec 4). Every failure is the same {@code AUTH_FAILED} in the same
 * time ({@link ProofVerifier}). The node's registry verticle re-reads the registry file when it
 * changes; a refused AUTH looks at the file once more first, so {@code device add} followed at once
 * by a connection works.
 */
public final class AuthVerticle extends VerticleBase {
  private final DeviceRegistry registry;
  private ProofVerifier verifier;

  public AuthVerticle(DeviceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    verifier = new ProofVerifier(registry);
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_VERIFY, this::verify).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_REVOKED, this::revoked).completion());
  }

  private void verify(Message<JsonObject> msg) {
    byte[] id;
    byte[] th2;
    byte[] proof;
    try {
      Base64.Decoder d = Base64.getDecoder();
      id = d.decode(msg.body().getString("id", ""));
      th2 = d.decode(msg.body().getString("th2", ""));
      proof = d.decode(msg.body().getString("proof", ""));
    } catch (RuntimeException e) {
      msg.fail(CloseCode.PROTOCOL_ERROR.code(), "malformed auth request");
      return;
    }
    try {
      msg.reply(new JsonObject().put("device", verifier.verify(id, th2, proof)));
    } catch (SlmpException e) {
      // A device added (or reinstated) a moment ago may not be loaded yet: look at the file once
      // more before
      // refusing, so `device add` followed at once by a connection works.
      vertx
          .executeBlocking(registry::reloadIfChanged, false)
          .onComplete(
              ar -> {
                if (ar.succeeded() && ar.result()) {
                  try {
                    msg.reply(new JsonObject().put("device", verifier.verify(id, th2, proof)));
                    return;
                  } catch (SlmpException again) {
                    // still refused
                  }
                }
                msg.fail(CloseCode.AUTH_FAILED.code(), "authentication failed");
              });
    }
  }

  private void revoked(Message<JsonObject> msg) {
    String id = msg.body().getString("device");
    msg.reply(
        new JsonObject().put("device", id).put("revoked", id == null || registry.isRevoked(id)));
  }
}
