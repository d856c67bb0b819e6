package dev.slmp.downlink;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where a node keeps the devices' queues: in the data directory on a standalone node, in Hazelcast
 * (sealed under the cluster key) on a cluster. Each operation runs {@link DeviceQueue}'s logic on
 * one device's queue atomically and answers with its {@link DeviceQueue.Change}; an enqueue is
 * answered only once the command is durable. Stages complete on the caller's Vert.x context (the
 * interface itself knows no Vert.x).
 */
public interface CommandStore {
  /** The per-operation settings: bound, lease, now. */
  CompletionStage<DeviceQueue.Change> enqueue(Command c, long now);

  /**
   * The commands a new connection of {@code device} sends now. On the path of every wake-up: with
   * nothing queued it costs at most one map lookup.
   */
  CompletionStage<DeviceQueue.Change> claim(String device, String connection, long now);

  CompletionStage<DeviceQueue.Change> settle(String device, String id, Outcome outcome, long now);

  CompletionStage<DeviceQueue.Change> release(String device, String connection);

  CompletionStage<DeviceQueue.Change> cancel(String device, String id, long now);

  /** The device's queue as it is now (expired commands dropped first), or an empty one. */
  CompletionStage<DeviceQueue> view(String device, long now);

  /**
   * Drops expired commands of the devices this node looks after (all of them on a standalone node,
   * the partitions it owns on a cluster); their EXPIRED receipts.
   */
  CompletionStage<List<Receipt>> expireAll(long now);

  /**
   * Devices with a queue in this store (in a cluster: the entries this member owns), for the
   * metrics and the node-wide bound.
   */
  long queues();
}
