package dev.slmp.services;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.LocalCodec;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;

/**
 * Opens and seals DATA and ACK frames for the gateway. Each instance serves its own address {@code
 * slmp.internal.crypto.<n>}: a connection always uses the same instance, so its frames are handled
 * in order by one thread and its {@link Sealer}s are never shared between threads.
 */
public final class CryptoVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(CryptoVerticle.class.getName());
  private final int instance;

  public CryptoVerticle(int instance) {
    this.instance = instance;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, CryptoJob.class);
    return vertx
        .eventBus()
        .<CryptoJob>localConsumer(Addresses.crypto(instance), this::run)
        .completion();
  }

  private void run(Message<CryptoJob> msg) {
    CryptoJob job = msg.body();
    try {
      job.result =
          job.op == CryptoJob.Op.OPEN
              ? job.sealer.open(job.seq, job.aad, job.data, job.off, job.len)
              : job.sealer.seal(job.seq, job.aad, job.data);
      msg.reply(job);
    } catch (OpenFailedException e) {
      msg.fail(CloseCode.DECRYPT_FAILED.code(), "sealed frame did not open");
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR, "crypto job failed; its connection closes INTERNAL_ERROR", e);
      msg.fail(CloseCode.INTERNAL_ERROR.code(), "internal error");
    }
  }
}
