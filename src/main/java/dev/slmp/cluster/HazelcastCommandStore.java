package dev.slmp.cluster;

import com.hazelcast.map.IMap;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.downlink.ChangeCodec;
import dev.slmp.downlink.Command;
import dev.slmp.downlink.CommandStore;
import dev.slmp.downlink.DeviceQueue;
import dev.slmp.downlink.DeviceQueue.Change;
import dev.slmp.downlink.Outcome;
import dev.slmp.downlink.Receipt;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's command queues: a Hazelcast {@code IMap} (device id → its queue, boxed under the
 * cluster key) with one synchronous backup ({@link ClusterSetup}), so losing any one node loses no
 * queued command; every operation is a {@link QueueOp} on the key's partition owner. A wake-up with
 * nothing queued is one such call that reads an absent key and writes nothing. A stored value that
 * fails its check is treated as absent, counted and logged. Operations fail after {@code
 * timeoutMs}; stages complete on the caller's Vert.x context.
 */
public final class HazelcastCommandStore implements CommandStore {
  private static final System.Logger LOG = System.getLogger(HazelcastCommandStore.class.getName());
  private final Vertx vertx;
  private final IMap<String, byte[]> map;
  private final ClusterSeal seal;
  private final long timeoutMs;
  private final int maxPerDevice;
  private final int maxDevices;
  private final long leaseMs;
  private final AtomicLong refused = new AtomicLong();

  /** The cluster's number of queues, refreshed by each expiry sweep (a size is a cluster call). */
  private volatile long clusterQueues;

  public HazelcastCommandStore(
      Vertx vertx,
      IMap<String, byte[]> map,
      ClusterSeal seal,
      long timeoutMs,
      int maxPerDevice,
      int maxDevices,
      long leaseMs) {
    this.vertx = vertx;
    this.map = map;
    this.seal = seal;
    this.timeoutMs = timeoutMs;
    this.maxPerDevice = maxPerDevice;
    this.maxDevices = maxDevices;
    this.leaseMs = leaseMs;
  }

  private CompletionStage<byte[]> run(String device, QueueOp op) {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<byte[]> call;
    try {
      call = map.submitToKey(device, op).toCompletableFuture();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<byte[]> timed = call.orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    return Future.fromCompletionStage(timed, ctx)
        .map(boxed -> open(device, boxed))
        .toCompletionStage();
  }

  /** The body of an answer, after counting a stored value that failed its check. */
  private byte[] open(String device, byte[] boxed) {
    byte[] plain;
    try {
      plain =
          seal.open(ClusterSetup.COMMANDS_MAP, device, QueueOp.AAD_RESULT, boxed, 0, boxed.length);
    } catch (OpenFailedException e) {
      throw new IllegalStateException("an answer from the queue's owner did not open");
    }
    if (plain[0] == 1) {
      long n = refused.incrementAndGet();
      if (Long.bitCount(n) == 1) {
        LOG.log(
            System.Logger.Level.WARNING,
            "a command queue in "
                + ClusterSetup.COMMANDS_MAP
                + " failed its cluster-key check and was treated as absent ("
                + n
                + " so far): written by a Hazelcast member without the cluster key, or altered");
      }
    }
    return Arrays.copyOfRange(plain, 1, plain.length);
  }

  private CompletionStage<Change> change(String device, QueueOp op) {
    return run(device, op).thenApply(ChangeCodec::change);
  }

  @Override
  public CompletionStage<Change> enqueue(Command c, long now) {
    byte[] boxed =
        seal.seal(ClusterSetup.COMMANDS_MAP, c.device(), QueueOp.AAD_OP, ChangeCodec.command(c));
    return change(
        c.device(), QueueOp.enqueue(boxed, maxPerDevice, clusterQueues < maxDevices, now));
  }

  @Override
  public CompletionStage<Change> claim(String device, String connection, long now) {
    return change(device, QueueOp.claim(connection, leaseMs, now));
  }

  @Override
  public CompletionStage<Change> settle(String device, String id, Outcome outcome, long now) {
    return change(device, QueueOp.settle(id, outcome, now));
  }

  @Override
  public CompletionStage<Change> release(String device, String connection) {
    return change(device, QueueOp.release(connection));
  }

  @Override
  public CompletionStage<Change> cancel(String device, String id, long now) {
    return change(device, QueueOp.cancel(id, now));
  }

  @Override
  public CompletionStage<DeviceQueue> view(String device, long now) {
    return run(device, QueueOp.view(now)).thenApply(b -> DeviceQueue.decode(device, b));
  }

  /** Sweeps the queues this member owns; refreshes the cluster's queue count. */
  @Override
  public CompletionStage<List<Receipt>> expireAll(long now) {
    Context ctx = vertx.getOrCreateContext();
    return vertx
        .executeBlocking(
            () -> {
              clusterQueues = map.size();
              return new ArrayList<>(map.localKeySet());
            })
        .compose(
            keys -> {
              List<Future<Change>> all = new ArrayList<>();
              for (String device : keys) {
                all.add(
                    Future.fromCompletionStage(change(device, QueueOp.expire(now)), ctx)
                        .recover(e -> Future.succeededFuture(null)));
              }
              return Future.join(all)
                  .map(
                      cf -> {
                        List<Receipt> out = new ArrayList<>();
                        for (int i = 0; i < all.size(); i++) {
                          Change c = cf.resultAt(i);
                          if (c != null) {
                            out.addAll(c.receipts());
                          }
                        }
                        return out;
                      });
            })
        .toCompletionStage();
  }

  @Override
  public long queues() {
    return map.getLocalMapStats().getOwnedEntryCount();
  }

  /** Values that failed their check since start. */
  public long refusedValues() {
    return refused.get();
  }
}
