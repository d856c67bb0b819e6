package dev.slmp.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.downlink.ChangeCodec;
import dev.slmp.downlink.Command;
import dev.slmp.downlink.DeviceQueue;
import dev.slmp.downlink.DeviceQueue.Change;
import dev.slmp.downlink.DeviceQueue.Status;
import dev.slmp.downlink.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One operation on one device's command queue, run by the partition owner, one at a time per key
 * (what makes a claim exclusive across nodes). The queue is stored sealed under the cluster key; a
 * value that does not open is treated as absent (and the answer says so, for the caller to count
 * and log). What travels between members is sealed too: the command of an enqueue and every answer
 * (payloads are the application's secrets, and Hazelcast's own protocol is not encrypted). Backups
 * receive the owner's result as is.
 */
final class QueueOp implements EntryProcessor<String, byte[], byte[]>, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  static final byte[] AAD_VALUE = "queue".getBytes(StandardCharsets.UTF_8);
  static final byte[] AAD_OP = "op".getBytes(StandardCharsets.UTF_8);
  static final byte[] AAD_RESULT = "result".getBytes(StandardCharsets.UTF_8);

  enum Kind {
    ENQUEUE,
    CLAIM,
    SETTLE,
    RELEASE,
    CANCEL,
    VIEW,
    EXPIRE
  }

  private final Kind kind;
  private final long now;
  private byte[] sealedCommand;
  private String id;
  private String connection;
  private Outcome outcome;
  private long leaseMs;
  private int maxPerDevice;
  private boolean mayCreate;
  private transient ClusterSeal seal;
  private transient boolean wrote;
  private transient byte[] written;

  private QueueOp(Kind kind, long now) {
    this.kind = kind;
    this.now = now;
  }

  static QueueOp enqueue(byte[] sealedCommand, int maxPerDevice, boolean mayCreate, long now) {
    QueueOp op = new QueueOp(Kind.ENQUEUE, now);
    op.sealedCommand = sealedCommand;
    op.maxPerDevice = maxPerDevice;
    op.mayCreate = mayCreate;
    return op;
  }

  static QueueOp claim(String connection, long leaseMs, long now) {
    QueueOp op = new QueueOp(Kind.CLAIM, now);
    op.connection = connection;
    op.leaseMs = leaseMs;
    return op;
  }

  static QueueOp settle(String id, Outcome outcome, long now) {
    QueueOp op = new QueueOp(Kind.SETTLE, now);
    op.id = id;
    op.outcome = outcome;
    return op;
  }

  static QueueOp release(String connection) {
    QueueOp op = new QueueOp(Kind.RELEASE, 0);
    op.connection = connection;
    return op;
  }

  static QueueOp cancel(String id, long now) {
    QueueOp op = new QueueOp(Kind.CANCEL, now);
    op.id = id;
    return op;
  }

  static QueueOp view(long now) {
    return new QueueOp(Kind.VIEW, now);
  }

  static QueueOp expire(long now) {
    return new QueueOp(Kind.EXPIRE, now);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    seal = (ClusterSeal) hz.getUserContext().get(ClusterSeal.CONTEXT_KEY);
  }

  /**
   * The sealed answer: one byte (1: the stored value failed its check), then the encoded {@link
   * Change}, or for VIEW the encoded queue.
   */
  @Override
  public byte[] process(Map.Entry<String, byte[]> entry) {
    if (seal == null) {
      throw new IllegalStateException("no cluster seal on this member");
    }
    String device = entry.getKey();
    byte[] v = entry.getValue();
    boolean refused = false;
    DeviceQueue q = null;
    if (v != null) {
      try {
        q =
            DeviceQueue.decode(
                device, seal.open(ClusterSetup.COMMANDS_MAP, device, AAD_VALUE, v, 0, v.length));
      } catch (OpenFailedException | IllegalArgumentException e) {
        refused = true;
      }
    }
    if (q == null) {
      if (kind != Kind.ENQUEUE) {
        byte[] body =
            kind == Kind.VIEW
                ? new DeviceQueue(device).encode()
                : ChangeCodec.change(
                    new Change(
                        kind == Kind.CLAIM || kind == Kind.EXPIRE ? Status.OK : Status.UNKNOWN_ID,
                        List.of(),
                        List.of()));
        return answer(device, refused, body);
      }
      if (!mayCreate) {
        return answer(
            device,
            refused,
            ChangeCodec.change(new Change(Status.NODE_FULL, List.of(), List.of())));
      }
      q = new DeviceQueue(device);
    }
    Change change;
    switch (kind) {
      case ENQUEUE -> {
        Command c;
        try {
          c =
              ChangeCodec.command(
                  seal.open(
                      ClusterSetup.COMMANDS_MAP,
                      device,
                      AAD_OP,
                      sealedCommand,
                      0,
                      sealedCommand.length));
        } catch (OpenFailedException | IllegalArgumentException e) {
          throw new IllegalStateException("an enqueue that does not open under the cluster key");
        }
        change = q.enqueue(c, maxPerDevice, now);
      }
      case CLAIM -> change = q.claim(connection, now, leaseMs);
      case SETTLE -> change = q.settle(id, outcome, now);
      case RELEASE -> change = q.release(connection);
      case CANCEL -> change = q.cancel(id, now);
      case VIEW -> change = q.expire(now);
      default -> change = q.expire(now);
    }
    boolean changed =
        refused
            || !change.receipts().isEmpty()
            || (kind == Kind.ENQUEUE && change.status() == Status.OK)
            || (kind == Kind.CLAIM && !change.commands().isEmpty())
            || kind == Kind.RELEASE;
    if (changed) {
      wrote = true;
      written =
          q.isEmpty() ? null : seal.seal(ClusterSetup.COMMANDS_MAP, device, AAD_VALUE, q.encode());
      entry.setValue(written);
    }
    return answer(device, refused, kind == Kind.VIEW ? q.encode() : ChangeCodec.change(change));
  }

  private byte[] answer(String device, boolean refused, byte[] body) {
    byte[] plain = new byte[1 + body.length];
    plain[0] = (byte) (refused ? 1 : 0);
    System.arraycopy(body, 0, plain, 1, body.length);
    return seal.seal(ClusterSetup.COMMANDS_MAP, device, AAD_RESULT, plain);
  }

  @Override
  public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
    return wrote ? new SetOrRemove(written) : null;
  }

  /** Writes the primary's result on a backup replica, as is (null: the queue is gone). */
  static final class SetOrRemove implements EntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private final byte[] value;

    SetOrRemove(byte[] value) {
      this.value = value;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
      entry.setValue(value);
      return null;
    }
  }
}
