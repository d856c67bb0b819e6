package dev.slmp.gateway;

import dev.slmp.protocol.CloseCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide connection bookkeeping across gateway instances: the counts the limits of spec 9 need,
 * and which connection owns each device (a device that connects again takes over from its older
 * connection).
 */
public final class ConnectionRegistry {
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger handshaking = new AtomicInteger();
  private final ConcurrentHashMap<String, GatewayConnection> byDevice = new ConcurrentHashMap<>();

  /**
   * One connection's place in the counts: it holds a handshake slot until {@link #handshakeDone()}
   * and a connection slot until {@link #closed()}. Both are idempotent, since closing paths
   * overlap, and the slot moves with the socket (an SLMP/1 connection hands it to a legacy one).
   * Confined to the connection's context.
   */
  final class Admission {
    private boolean handshaking = true;
    private boolean open = true;

    /**
     * The per-source handshake slot this admission holds until its handshake ends (then null:
     * heap).
     */
    private SourceLimiter sources;

    private String source;

    void holdSourceSlot(SourceLimiter sources, String source) {
      this.sources = sources;
      this.source = source;
    }

    void handshakeDone() {
      if (handshaking) {
        handshaking = false;
        ConnectionRegistry.this.handshaking.decrementAndGet();
      }
      if (source != null) {
        sources.handshakeEnded(source);
        source = null;
        sources = null;
      }
    }

    void closed() {
      handshakeDone();
      if (open) {
        open = false;
        ConnectionRegistry.this.open.decrementAndGet();
      }
    }
  }

  /** Reserves a slot for a new connection, or returns null when a limit is reached. */
  Admission tryAdmit(int maxConnections, int maxHandshakes) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return null;
    }
    if (handshaking.incrementAndGet() > maxHandshakes) {
      handshaking.decrementAndGet();
      open.decrementAndGet();
      return null;
    }
    return new Admission();
  }

  /** Whether a device is revoked now (the node's registry); none until the node sets it. */
  private volatile java.util.function.Predicate<String> revoked = id -> false;

  /**
   * Where {@link #isRevoked} looks: a connection checks it once it is established, so a handshake
   * that passed AUTH just before a revocation took effect does not outlive the revocation's sweep.
   */
  public void revocation(java.util.function.Predicate<String> revoked) {
    this.revoked = revoked;
  }

  boolean isRevoked(String deviceId) {
    return revoked.test(deviceId);
  }

  /** Makes {@code c} the device's connection; returns the one it replaces, if any. */
  GatewayConnection claim(String deviceId, GatewayConnection c) {
    return byDevice.put(deviceId, c);
  }

  void release(String deviceId, GatewayConnection c) {
    byDevice.remove(deviceId, c);
  }

  /**
   * A connection of {@code deviceId} was established somewhere in the cluster: the local one of
   * that device, if older, ends. Newest wins; equal times are broken by connection id so exactly
   * one survives.
   */
  public void announced(String deviceId, String connectionId, long establishedAt) {
    GatewayConnection local = byDevice.get(deviceId);
    if (local == null || local.connectionId().equals(connectionId)) {
      return;
    }
    long mine = local.establishedAt();
    if (mine < establishedAt
        || (mine == establishedAt && local.connectionId().compareTo(connectionId) < 0)) {
      local.takenOver();
    }
  }

  public int openConnections() {
    return open.get();
  }

  public int handshakesInProgress() {
    return handshaking.get();
  }

  public boolean isConnected(String deviceId) {
    return byDevice.containsKey(deviceId);
  }

  /**
   * One established connection as the admin API lists it.
   *
   * @param since when it was established (epoch ms)
   * @param messagesIn DATA received from the device
   * @param messagesOut DATA sent to the device
   */
  public record Info(
      String device,
      String node,
      String remoteAddress,
      String suite,
      boolean resumed,
      long since,
      long messagesIn,
      long messagesOut) {}

  /** This node's established connections, newest first. */
  public List<Info> list() {
    List<Info> all = new ArrayList<>();
    for (GatewayConnection c : byDevice.values()) {
      all.add(c.info());
    }
    all.sort((a, b) -> Long.compare(b.since(), a.since()));
    return all;
  }

  /**
   * Sends CLOSE({@code code}, {@code reason}) on the device's connection on this node; false when
   * it has none here.
   */
  public boolean close(String deviceId, CloseCode code, String reason) {
    GatewayConnection c = byDevice.get(deviceId);
    if (c == null) {
      return false;
    }
    c.closeBy(code, reason);
    return true;
  }
}
