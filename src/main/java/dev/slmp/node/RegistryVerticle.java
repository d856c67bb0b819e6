package dev.slmp.node;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.slmp.cluster.ClusterRegistry;
import dev.slmp.datadir.DeviceRecord;
import dev.slmp.datadir.DeviceRegistry;
import dev.slmp.gateway.ConnectionRegistry;
import dev.slmp.protocol.CloseCode;
import dev.slmp.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes the device registry one registry for the whole cluster, and makes a revocation bite:
 *
 * <ul>
 *   <li>every {@code registry.checkIntervalMs} a worker looks whether {@code devices.json} changed
 *       on disk (a {@code device} command of the CLI, an edit) and merges it in; a file that does
 *       not parse is refused with one log line and the last good registry stays in force;
 *   <li>every change, from wherever it came, ends the live connection of a device it revoked on
 *       this node with {@code CLOSE(AUTH_FAILED, "device revoked")} and deletes its sessions, so a
 *       later reinstatement never resumes one;
 *   <li>when clustered, every change is merged into the cluster's copy ({@link ClusterRegistry}),
 *       whose change events every node merges into its own file; at start, and whenever a member
 *       joins (a restart, a healed split), a node merges the whole cluster copy in and pushes what
 *       the cluster lacks. Merging only adds (see {@link DeviceRecord}): a revocation always wins
 *       over a stale copy.
 * </ul>
 *
 * File and Hazelcast work runs on workers, never on the event loop.
 */
final class RegistryVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(RegistryVerticle.class.getName());
  private final DeviceRegistry registry;
  private final ConnectionRegistry connections;
  private final SessionStore sessions;
  private final long checkIntervalMs;
  private final HazelcastInstance hazelcast;
  private final ClusterRegistry cluster;

  /** Changes not yet in the cluster's copy (a push failed or has not run yet). */
  private final Map<String, DeviceRecord> pending = new ConcurrentHashMap<>();

  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile String lastFileProblem;
  private UUID listenerId;
  private UUID membershipId;

  /**
   * @param hazelcast the node's member, or null when not clustered
   * @param cluster the cluster's copy, or null when not clustered
   */
  RegistryVerticle(
      DeviceRegistry registry,
      ConnectionRegistry connections,
      SessionStore sessions,
      long checkIntervalMs,
      HazelcastInstance hazelcast,
      ClusterRegistry cluster) {
    this.registry = registry;
    this.connections = connections;
    this.sessions = sessions;
    this.checkIntervalMs = checkIntervalMs;
    this.hazelcast = hazelcast;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    registry.onChange(this::changed);
    // A handshake that passed AUTH just before a revocation took effect is refused when it
    // establishes.
    connections.revocation(registry::isRevoked);
    vertx.setPeriodic(checkIntervalMs, id -> check());
    if (cluster == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          listenerId =
              cluster.listen(
                  r -> context.executeBlocking(() -> registry.merge(List.of(r)), false),
                  id -> context.executeBlocking(() -> repush(id), false));
          membershipId =
              hazelcast
                  .getCluster()
                  .addMembershipListener(
                      new MembershipListener() {
                        @Override
                        public void memberAdded(MembershipEvent e) {
                          context.executeBlocking(() -> sync(), false);
                        }

                        @Override
                        public void memberRemoved(MembershipEvent e) {}
                      });
          sync();
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    if (cluster == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          try {
            cluster.stopListening(listenerId);
            hazelcast.getCluster().removeMembershipListener(membershipId);
          } catch (RuntimeException e) {
            // Hazelcast already shutting down: nothing left to listen to.
          }
          return null;
        });
  }

  /**
   * Catch-up: the cluster's records merged in here, then this node's records the cluster lacks
   * pushed there.
   */
  private Void sync() {
    Map<String, DeviceRecord> there = cluster.all();
    List<DeviceRecord> changed = registry.merge(there.values());
    List<DeviceRecord> behind = ClusterRegistry.behind(registry.records(), there);
    for (DeviceRecord r : behind) {
      cluster.push(r);
    }
    if (!changed.isEmpty() || !behind.isEmpty()) {
      LOG.log(
          System.Logger.Level.INFO,
          "device registry synchronised with the cluster: "
              + changed.size()
              + " records taken, "
              + behind.size()
              + " given");
    }
    return null;
  }

  /** An entry vanished from the cluster's copy (evicted, deleted by a stranger): put it back. */
  private Void repush(String id) {
    registry.records().stream().filter(r -> r.id().equals(id)).findFirst().ifPresent(cluster::push);
    return null;
  }

  /** The periodic look at the file (one at a time), and the retry of pending pushes. */
  private void check() {
    if (!checking.compareAndSet(false, true)) {
      return;
    }
    vertx
        .executeBlocking(
            () -> {
              try {
                registry.reloadIfChanged();
                if (lastFileProblem != null) {
                  LOG.log(
                      System.Logger.Level.INFO,
                      "device registry " + registry.file() + " readable again");
                  lastFileProblem = null;
                }
              } catch (java.io.IOException e) {
                if (!Objects.equals(e.getMessage(), lastFileProblem)) {
                  lastFileProblem = e.getMessage();
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "refused the edit of the device registry: "
                          + e.getMessage()
                          + "; the last good registry stays in force ("
                          + registry
                          + ")");
                }
              }
              pushPending();
              return null;
            },
            false)
        .onComplete(ar -> checking.set(false));
  }

  /** Every registry change: enforce revocations here, then share it with the cluster. */
  private void changed(List<DeviceRecord> changes) {
    for (DeviceRecord r : changes) {
      if (r.revoked()) {
        boolean closed = connections.close(r.id(), CloseCode.AUTH_FAILED, "device revoked");
        sessions
            .deleteDevice(r.id())
            .whenComplete(
                (v, err) -> {
                  if (err != null) {
                    LOG.log(
                        System.Logger.Level.WARNING,
                        "sessions of revoked device "
                            + dev.slmp.inbox.Printable.escape(r.id())
                            + " not deleted (the store did not answer): "
                            + err.getMessage());
                  }
                });
        LOG.log(
            System.Logger.Level.INFO,
            "device "
                + dev.slmp.inbox.Printable.escape(r.id())
                + " revoked: its sessions deleted"
                + (closed ? ", its connection on this node closed" : ""));
      }
      if (cluster != null) {
        pending.merge(r.id(), r, DeviceRecord::merge);
      }
    }
    if (cluster != null) {
      context.executeBlocking(
          () -> {
            pushPending();
            return null;
          },
          false);
    }
  }

  private void pushPending() {
    if (cluster == null) {
      return;
    }
    for (DeviceRecord r : List.copyOf(pending.values())) {
      try {
        cluster.push(r);
        pending.remove(r.id(), r);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "device registry change not yet in the cluster (retried): " + e.getMessage());
        return;
      }
    }
  }
}
