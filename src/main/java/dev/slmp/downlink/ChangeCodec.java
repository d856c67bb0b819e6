package dev.slmp.downlink;

import dev.slmp.downlink.DeviceQueue.Change;
import dev.slmp.downlink.DeviceQueue.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands and {@link Change}s as bytes: what a cluster store seals to carry a command to the
 * partition that owns its device's queue, and an operation's answer back.
 */
public final class ChangeCodec {
  private ChangeCodec() {}

  public static byte[] command(Command c) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeCommand(out, c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Command command(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      return readCommand(in, b.length);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated command", e);
    }
  }

  public static byte[] change(Change c) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(c.status().ordinal());
      out.writeInt(c.commands().size());
      for (Command cmd : c.commands()) {
        writeCommand(out, cmd);
      }
      out.writeInt(c.receipts().size());
      for (Receipt r : c.receipts()) {
        out.writeUTF(r.id());
        out.writeUTF(r.device());
        out.writeByte(r.outcome().ordinal());
        out.writeLong(r.at());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Change change(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      Status status = Status.values()[in.readByte()];
      int n = in.readInt();
      List<Command> commands = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        commands.add(readCommand(in, b.length));
      }
      int r = in.readInt();
      List<Receipt> receipts = new ArrayList<>();
      for (int i = 0; i < r; i++) {
        receipts.add(
            new Receipt(
                in.readUTF(), in.readUTF(), Outcome.values()[in.readByte()], in.readLong()));
      }
      return new Change(status, List.copyOf(commands), List.copyOf(receipts));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a change", e);
    }
  }

  private static void writeCommand(DataOutputStream out, Command c) throws IOException {
    out.writeUTF(c.id());
    out.writeUTF(c.device());
    out.writeUTF(c.topic());
    out.writeInt(c.payload().length);
    out.write(c.payload());
    out.writeBoolean(c.ack());
    out.writeLong(c.enqueuedAt());
    out.writeLong(c.expiresAt());
  }

  private static Command readCommand(DataInputStream in, int limit) throws IOException {
    String id = in.readUTF();
    String device = in.readUTF();
    String topic = in.readUTF();
    int len = in.readInt();
    if (len < 0 || len > limit) {
      throw new IOException("bad payload length");
    }
    byte[] payload = in.readNBytes(len);
    if (payload.length != len) {
      throw new IOException("truncated payload");
    }
    return new Command(id, device, topic, payload, in.readBoolean(), in.readLong(), in.readLong());
  }
}
