package dev.slmp.client;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.session.DeviceTicket;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A {@link DeviceTicket} kept in a JSON file between runs, bound to the server key id and device id
 * it was made for, so it is never offered to another server or for another device:
 *
 * <pre>{"session_id": hex, "rs": hex, "suite": n, "counter": n, "keepalive": n, "max_body": n,
 *  "expires": epochSeconds, "server_key_id": hex, "device_id": "..."}</pre>
 *
 * <p>{@code rs} is a secret: the file is written with mode 600, atomically (temp file, fsync,
 * ATOMIC_MOVE), and no exception message or {@code toString} holds the file's content.
 */
public final class TicketFile {
  private final Path path;

  public TicketFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /**
   * The ticket stored for this server key and device; null when there is no file or it belongs to
   * another server key or device. Expiry is the caller's check ({@link DeviceTicket#isExpired}).
   *
   * @throws IOException when the file cannot be read or is not a ticket file
   */
  public DeviceTicket load(byte[] serverKeyId, String deviceId) throws IOException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    JsonObject j;
    try {
      j = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IOException(
          path + " is not a ticket file (not JSON)"); // the parser's message quotes the content
    }
    try {
      if (!Bytes.hex(serverKeyId).equalsIgnoreCase(j.getString("server_key_id"))
          || !deviceId.equals(j.getString("device_id"))) {
        return null;
      }
      Suite suite = Suite.byId(j.getInteger("suite"));
      byte[] sessionId = Bytes.unhex(j.getString("session_id"));
      byte[] rs = Bytes.unhex(j.getString("rs"));
      long counter = j.getLong("counter");
      if (suite == null
          || sessionId.length != 16
          || rs.length != 32
          || counter < 0
          || counter > 0xFFFFFFFFL) {
        throw new IllegalArgumentException();
      }
      return new DeviceTicket(
          sessionId,
          rs,
          suite,
          counter,
          j.getInteger("keepalive"),
          j.getInteger("max_body"),
          j.getLong("expires"));
    } catch (RuntimeException e) {
      throw new IOException(path + " is not a valid ticket file"); // no detail: it could quote rs
    }
  }

  /**
   * Replaces the file with {@code ticket}, atomically and durably (a RESUME may only follow a
   * stored counter).
   */
  public void save(DeviceTicket ticket, byte[] serverKeyId, String deviceId) throws IOException {
    JsonObject j =
        new JsonObject()
            .put("session_id", Bytes.hex(ticket.sessionId()))
            .put("rs", Bytes.hex(ticket.rs()))
            .put("suite", ticket.suite().id())
            .put("counter", ticket.lastCounter())
            .put("keepalive", ticket.keepalive())
            .put("max_body", ticket.maxBody())
            .put("expires", ticket.expiresAt())
            .put("server_key_id", Bytes.hex(serverKeyId))
            .put("device_id", deviceId);
    byte[] bytes = (j.encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8);
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = createPrivateTemp(dir);
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  /** Deletes the file; true when there was one. */
  public boolean delete() throws IOException {
    return Files.deleteIfExists(path);
  }

  private Path createPrivateTemp(Path dir) throws IOException {
    String prefix = "." + path.getFileName() + ".";
    try {
      return Files.createTempFile(
          dir,
          prefix,
          ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return Files.createTempFile(dir, prefix, ".tmp"); // not POSIX: the platform's private default
    }
  }

  /**
   * Makes the rename durable too; some platforms cannot open a directory, which only weakens
   * durability.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "TicketFile[" + path + "]";
  }
}
