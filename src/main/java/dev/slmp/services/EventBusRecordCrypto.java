package dev.slmp.services;

import dev.slmp.bus.Addresses;
import dev.slmp.connection.RecordCrypto;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Sealer;
import dev.slmp.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.CompletionStage;

/**
 * A connection's {@link RecordCrypto} served by one crypto verticle instance (see {@link
 * CryptoVerticle}).
 */
public final class EventBusRecordCrypto implements RecordCrypto {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private final Vertx vertx;
  private final String address;

  public EventBusRecordCrypto(Vertx vertx, int instance) {
    this.vertx = vertx;
    this.address = Addresses.crypto(instance);
  }

  private CompletionStage<byte[]> ask(CryptoJob job) {
    return vertx
        .eventBus()
        .<CryptoJob>request(address, job, LOCAL)
        .map(m -> m.body().result())
        .recover(
            err ->
                err instanceof ReplyException re
                        && re.failureCode() == CloseCode.DECRYPT_FAILED.code()
                    ? Future.failedFuture(new OpenFailedException("sealed frame did not open"))
                    : Future.failedFuture(err))
        .toCompletionStage();
  }

  @Override
  public CompletionStage<byte[]> open(
      Sealer sealer, long seq, byte[] aad, byte[] in, int off, int len) {
    return ask(new CryptoJob(CryptoJob.Op.OPEN, sealer, seq, aad, in, off, len));
  }

  @Override
  public CompletionStage<byte[]> seal(Sealer sealer, long seq, byte[] aad, byte[] plaintext) {
    return ask(new CryptoJob(CryptoJob.Op.SEAL, sealer, seq, aad, plaintext, 0, plaintext.length));
  }
}
