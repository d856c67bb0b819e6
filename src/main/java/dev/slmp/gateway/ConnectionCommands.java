package dev.slmp.gateway;

import dev.slmp.commands.Downlink;
import dev.slmp.connection.SentData;
import dev.slmp.connection.ServerConnection;
import dev.slmp.downlink.Command;
import dev.slmp.downlink.Outcome;
import dev.slmp.protocol.AckStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The downlink queue on one established connection (issue 14): claims the device's queued commands
 * right after WELCOME/RESUMED (and again when told that one was queued), and holds the device's
 * frames while the claim is in flight, so that nothing is answered on the connection (not even the
 * ACK of 0-RTT data) before the commands are sent; settles each with the device's ACK or, without
 * ACK_REQUESTED, its write; and releases what it holds when the connection ends. Made only for a
 * connection that may have commands (heap per idle connection). Confined to the connection's
 * context.
 */
final class ConnectionCommands {
  private static final System.Logger LOG = System.getLogger(ConnectionCommands.class.getName());

  private final Downlink downlink;
  private final ServerConnection connection;
  private final String deviceId;
  private final String connectionId;

  /** Called when a claim has landed: the connection re-evaluates its hold and reading. */
  private final Runnable claimed;

  private boolean claiming;
  private boolean pollAgain;
  private boolean ended;
  private long sent;

  /** Commands sent with ACK_REQUESTED, by seq (made on first use). */
  private Map<Long, Command> awaitingAck;

  ConnectionCommands(
      Downlink downlink,
      ServerConnection connection,
      String deviceId,
      String connectionId,
      Runnable claimed) {
    this.downlink = downlink;
    this.connection = connection;
    this.deviceId = deviceId;
    this.connectionId = connectionId;
    this.claimed = claimed;
  }

  /** True while a claim is in flight: the connection holds the device's frames. */
  boolean claiming() {
    return claiming;
  }

  /** Commands sent on this connection (for the admin API's count). */
  long sent() {
    return sent;
  }

  /**
   * Claims what is queued and sends it (the stage may complete at once, on a standalone node); a
   * claim asked for while one is in flight runs after it.
   */
  void claim() {
    if (ended) {
      return;
    }
    if (claiming) {
      pollAgain = true;
      return;
    }
    claiming = true;
    connection.hold(true);
    downlink
        .claim(deviceId, connectionId)
        .onComplete(
            ar -> {
              claiming = false;
              if (ended) {
                // The connection ended while claiming: release() ran before the claim landed.
                downlink.release(deviceId, connectionId);
                return;
              }
              if (ar.succeeded()) {
                if (connection.isEstablished()) {
                  send(ar.result().commands());
                }
              } else {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "could not claim the queued commands of device "
                        + deviceId
                        + " (they wait for its next connection): "
                        + ar.cause().getMessage());
              }
              if (pollAgain) {
                pollAgain = false;
                claim();
                return;
              }
              claimed.run();
            });
  }

  private void send(List<Command> commands) {
    for (Command cmd : commands) {
      SentData data;
      try {
        data = connection.sendData(cmd.topicBytes(), cmd.payload(), cmd.ack());
      } catch (IllegalArgumentException e) {
        // Larger than this node's deviceMaxBody (configured smaller since it was queued): it stays
        // queued until it expires or is cancelled.
        LOG.log(
            System.Logger.Level.WARNING,
            "queued command " + cmd.id() + " of device " + deviceId + ": " + e.getMessage());
        continue;
      } catch (IllegalStateException e) {
        return;
      }
      sent++;
      if (cmd.ack()) {
        if (awaitingAck == null) {
          awaitingAck = new HashMap<>();
        }
        awaitingAck.put(data.seq(), cmd);
      } else {
        data.written()
            .whenComplete(
                (v, err) -> {
                  if (err == null) {
                    downlink.settle(deviceId, cmd.id(), Outcome.DELIVERED);
                  }
                });
      }
    }
  }

  /**
   * The device's ACK of seq {@code seq}: true when it was one of ours. ACCEPTED and REJECTED settle
   * the command; NOT_DELIVERED leaves it queued, held by this connection, for the next one.
   */
  boolean acknowledged(long seq, AckStatus status) {
    Command cmd = awaitingAck == null ? null : awaitingAck.remove(seq);
    if (cmd == null) {
      return false;
    }
    if (status == AckStatus.ACCEPTED || status == AckStatus.REJECTED) {
      downlink.settle(
          deviceId, cmd.id(), status == AckStatus.ACCEPTED ? Outcome.ACCEPTED : Outcome.REJECTED);
    }
    return true;
  }

  /** The connection ended: what it sent and the device did not settle waits for its next one. */
  void ended() {
    if (ended) {
      return;
    }
    ended = true;
    awaitingAck = null;
    if (!claiming) {
      downlink.release(deviceId, connectionId);
    }
  }
}
