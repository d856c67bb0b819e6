package dev.slmp.downlink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One device's queue of commands, without I/O: FIFO order, the per-device bound, expiry, and the
 * lease that keeps two connections of the device from delivering the same command at once (a
 * command claimed by one connection is skipped by every other until that connection settles or
 * releases it, or the lease runs out because its node died). Also the device's last outcomes, for
 * the admin API. Not thread-safe: each store runs one operation on a queue at a time (a lock on a
 * standalone node, the partition's entry processor on a cluster), and stores it as {@link #encode}.
 */
public final class DeviceQueue {
  /** Outcomes kept for the admin API, newest last. */
  public static final int RECENT = 16;

  /** How long an outcome stays listed. */
  public static final long RECENT_MS = 24 * 3600_000L;

  private static final int VERSION = 1;

  /** A queued command and which connection, if any, holds it until when. */
  public static final class Entry {
    private final Command command;
    private String leasedBy;
    private long leaseUntil;

    Entry(Command command, String leasedBy, long leaseUntil) {
      this.command = command;
      this.leasedBy = leasedBy;
      this.leaseUntil = leaseUntil;
    }

    public Command command() {
      return command;
    }

    /** The connection delivering it now, or null. */
    public String leasedBy() {
      return leasedBy;
    }

    boolean leased(long now) {
      return leasedBy != null && leaseUntil > now;
    }
  }

  /** How an operation ended. */
  public enum Status {
    OK,
    /** {@code queue.maxPerDevice} commands already wait. */
    FULL,
    /** A command with this id is queued already. */
    DUPLICATE,
    /** No queued command has this id (taken, expired or cancelled). */
    UNKNOWN_ID,
    /** The node-wide bound ({@code queue.maxDevices}) is reached: no queue for another device. */
    NODE_FULL
  }

  /**
   * The result of one operation: its status, the commands it handed out (claimed or cancelled), and
   * the receipts it produced (outcomes, expiries found on the way).
   */
  public record Change(Status status, List<Command> commands, List<Receipt> receipts) {
    static Change of(Status s, List<Command> commands, List<Receipt> receipts) {
      return new Change(s, List.copyOf(commands), List.copyOf(receipts));
    }
  }

  private final String device;
  private final List<Entry> pending = new ArrayList<>();
  private final ArrayDeque<Receipt> recent = new ArrayDeque<>();

  public DeviceQueue(String device) {
    this.device = device;
  }

  public String device() {
    return device;
  }

  /** Adds {@code c} at the tail, unless the queue is full or has its id. */
  public Change enqueue(Command c, int maxPerDevice, long now) {
    List<Receipt> out = new ArrayList<>();
    expireInto(now, out);
    if (find(c.id()) != null) {
      return Change.of(Status.DUPLICATE, List.of(), out);
    }
    if (pending.size() >= maxPerDevice) {
      return Change.of(Status.FULL, List.of(), out);
    }
    pending.add(new Entry(c, null, 0));
    return Change.of(Status.OK, List.of(), out);
  }

  /**
   * The commands {@code connection} is to send now, in order: every live one no connection holds.
   * They are leased to it until {@code now + leaseMs}.
   */
  public Change claim(String connection, long now, long leaseMs) {
    List<Receipt> out = new ArrayList<>();
    expireInto(now, out);
    List<Command> claimed = new ArrayList<>();
    for (Entry e : pending) {
      if (!e.leased(now)) {
        e.leasedBy = connection;
        e.leaseUntil = now + leaseMs;
        claimed.add(e.command);
      }
    }
    return Change.of(Status.OK, claimed, out);
  }

  /**
   * What the device did with command {@code id}: DELIVERED, ACCEPTED or REJECTED take it off the
   * queue with a receipt; anything else (the device answered NOT_DELIVERED) keeps it, still held by
   * {@code connection} so that it is sent again on the device's next connection, not this one.
   */
  public Change settle(String id, Outcome outcome, long now) {
    Entry e = find(id);
    if (e == null) {
      return Change.of(Status.UNKNOWN_ID, List.of(), List.of());
    }
    if (outcome == Outcome.DELIVERED
        || outcome == Outcome.ACCEPTED
        || outcome == Outcome.REJECTED) {
      pending.remove(e);
      Receipt r = remember(new Receipt(id, device, outcome, now));
      return Change.of(Status.OK, List.of(e.command), List.of(r));
    }
    return Change.of(Status.OK, List.of(), List.of());
  }

  /** The connection ended: what it held and did not settle waits for the next one. */
  public Change release(String connection) {
    List<Command> freed = new ArrayList<>();
    for (Entry e : pending) {
      if (connection.equals(e.leasedBy)) {
        e.leasedBy = null;
        e.leaseUntil = 0;
        freed.add(e.command);
      }
    }
    return Change.of(Status.OK, freed, List.of());
  }

  /** Takes command {@code id} off the queue (CANCELLED), unless it is gone already. */
  public Change cancel(String id, long now) {
    List<Receipt> out = new ArrayList<>();
    expireInto(now, out);
    Entry e = find(id);
    if (e == null) {
      return Change.of(Status.UNKNOWN_ID, List.of(), out);
    }
    pending.remove(e);
    out.add(remember(new Receipt(id, device, Outcome.CANCELLED, now)));
    return Change.of(Status.OK, List.of(e.command), out);
  }

  /** Drops expired commands (EXPIRED receipts) and outcomes older than {@link #RECENT_MS}. */
  public Change expire(long now) {
    List<Receipt> out = new ArrayList<>();
    expireInto(now, out);
    return Change.of(Status.OK, List.of(), out);
  }

  private void expireInto(long now, List<Receipt> out) {
    for (Iterator<Entry> it = pending.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.command.expired(now)) {
        it.remove();
        out.add(remember(new Receipt(e.command.id(), device, Outcome.EXPIRED, now)));
      }
    }
    while (!recent.isEmpty() && recent.peekFirst().at() <= now - RECENT_MS) {
      recent.pollFirst();
    }
  }

  private Receipt remember(Receipt r) {
    recent.addLast(r);
    while (recent.size() > RECENT) {
      recent.pollFirst();
    }
    return r;
  }

  private Entry find(String id) {
    for (Entry e : pending) {
      if (e.command.id().equals(id)) {
        return e;
      }
    }
    return null;
  }

  /** Queued commands, oldest first. */
  public List<Entry> pending() {
    return List.copyOf(pending);
  }

  public int size() {
    return pending.size();
  }

  /** Recent outcomes, oldest first. */
  public List<Receipt> recent() {
    return List.copyOf(recent);
  }

  /** Nothing queued and nothing to show: the store may forget the device. */
  public boolean isEmpty() {
    return pending.isEmpty() && recent.isEmpty();
  }

  // ---- stored form
  // -----------------------------------------------------------------------------------

  /** The queue as bytes (versioned), for a store; {@link #decode} reads it back. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(pending.size());
      for (Entry e : pending) {
        Command c = e.command;
        out.writeUTF(c.id());
        out.writeUTF(c.topic());
        out.writeInt(c.payload().length);
        out.write(c.payload());
        out.writeBoolean(c.ack());
        out.writeLong(c.enqueuedAt());
        out.writeLong(c.expiresAt());
        out.writeUTF(e.leasedBy == null ? "" : e.leasedBy);
        out.writeLong(e.leaseUntil);
      }
      out.writeInt(recent.size());
      for (Receipt r : recent) {
        out.writeUTF(r.id());
        out.writeByte(r.outcome().ordinal());
        out.writeLong(r.at());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads {@link #encode}'s bytes for {@code device}.
   *
   * @throws IllegalArgumentException when they are not a queue of this version
   */
  public static DeviceQueue decode(String device, byte[] b) {
    DeviceQueue q = new DeviceQueue(device);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      if (in.readByte() != VERSION) {
        throw new IllegalArgumentException("unknown queue version");
      }
      int n = in.readInt();
      if (n < 0 || n > b.length) {
        throw new IllegalArgumentException("bad command count");
      }
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        String topic = in.readUTF();
        int len = in.readInt();
        if (len < 0 || len > b.length) {
          throw new IllegalArgumentException("bad payload length");
        }
        byte[] payload = in.readNBytes(len);
        boolean ack = in.readBoolean();
        long enqueued = in.readLong();
        long expires = in.readLong();
        String lease = in.readUTF();
        long until = in.readLong();
        q.pending.add(
            new Entry(
                new Command(id, device, topic, payload, ack, enqueued, expires),
                lease.isEmpty() ? null : lease,
                until));
      }
      int r = in.readInt();
      if (r < 0 || r > RECENT) {
        throw new IllegalArgumentException("bad receipt count");
      }
      Outcome[] outcomes = Outcome.values();
      for (int i = 0; i < r; i++) {
        String id = in.readUTF();
        int o = in.readByte();
        if (o < 0 || o >= outcomes.length) {
          throw new IllegalArgumentException("bad outcome");
        }
        q.recent.addLast(new Receipt(id, device, outcomes[o], in.readLong()));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("trailing bytes");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated queue", e);
    }
    return q;
  }
}
