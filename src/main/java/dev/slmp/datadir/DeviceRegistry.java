package dev.slmp.datadir;

import dev.slmp.auth.DeviceDirectory;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.Auth;
import dev.slmp.protocol.KeySchedule;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The device registry file ({@code devices.json}, spec 4): per-device keys and the revocation list,
 * backed by a master secret for devices that are not registered. Reads are lock-free on an
 * immutable snapshot (they sit on the AUTH path); changes are serialised, written atomically (mode
 * 600) and take effect for the next AUTH or RESUME. All methods except the lookups do blocking file
 * I/O.
 *
 * <p>Each id's state is a {@link DeviceRecord} that merges with other copies of it (a cluster's
 * nodes each keep one file): {@link #merge} folds in another node's records, and a re-read of a
 * file that another process changed is a merge too, so a stale copy never undoes a revocation and
 * removing an id from the file by hand does not reinstate it ({@code device reinstate} does). Every
 * change, whatever its origin, is handed to the {@link #onChange} listener after it took effect.
 *
 * <p>Format: {@code {"devices": {"<id>": {"key": "<64 hex>", "added": <epochMillis>}}, "revoked":
 * {"<id>": <epochMillis>}, "reinstated": {"<id>": {"at": <epochMillis>, "revoked":
 * <epochMillis>}}}} where {@code revoked} lists the ids revoked now and {@code reinstated} the
 * latest reinstatement of an id with the revocation it lifted.
 */
public final class DeviceRegistry implements DeviceDirectory {
  public static final int MAX_ID_BYTES = Auth.MAX_ID_LENGTH;
  private static final int KEY_BYTES = 32;

  /** One id of {@link #list()}: registered with its own key, revoked, or both. */
  public record Entry(String id, boolean registered, boolean revoked) {}

  /**
   * An immutable view; {@code stamp} is the file's as it was last read or written, so a change by
   * another process shows.
   */
  private record State(Map<String, DeviceRecord> records, Object stamp) {}

  private final Path file;
  private final byte[] masterSecret;
  private final Object lock = new Object();
  private volatile State state;

  /**
   * Memory holds changes the file does not (merged while the file was unreadable or being edited,
   * or a write failed): the next {@link #reloadIfChanged} writes them. Guarded by {@link #lock}.
   */
  private boolean unsaved;

  private volatile Consumer<List<DeviceRecord>> listener = changes -> {};

  private DeviceRegistry(Path file, byte[] masterSecret, State state) {
    this.file = file;
    this.masterSecret = masterSecret;
    this.state = state;
  }

  /**
   * Reads {@code file} (missing = empty registry).
   *
   * @param masterSecretOrNull at least 32 random bytes, or null for a registry-only directory
   */
  public static DeviceRegistry open(Path file, byte[] masterSecretOrNull) throws IOException {
    if (masterSecretOrNull != null && masterSecretOrNull.length < 32) {
      throw new IllegalArgumentException("a master secret must be at least 32 random bytes");
    }
    Object stamp = stamp(file);
    return new DeviceRegistry(
        file,
        masterSecretOrNull == null ? null : masterSecretOrNull.clone(),
        new State(read(file), stamp));
  }

  /** The content of a new, empty registry file. */
  public static byte[] emptyFile() {
    return encode(Map.of());
  }

  /**
   * Throws {@link IllegalArgumentException} unless {@code id} is valid UTF-8 of 1 to 64 bytes (spec
   * 4).
   */
  public static byte[] validateId(String id) {
    Objects.requireNonNull(id, "device id");
    ByteBuffer b;
    try {
      b = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(id));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("device id is not valid Unicode (unpaired surrogate)");
    }
    if (b.remaining() < 1 || b.remaining() > MAX_ID_BYTES) {
      throw new IllegalArgumentException(
          "device id must be 1 to " + MAX_ID_BYTES + " UTF-8 bytes, got " + b.remaining());
    }
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  public Path file() {
    return file;
  }

  /**
   * Who hears of every change after it took effect (the node: it ends a revoked device's
   * connections and shares the change with the cluster). Called on the thread that made the change,
   * outside the registry's lock; it must not block for long.
   */
  public void onChange(Consumer<List<DeviceRecord>> listener) {
    this.listener = Objects.requireNonNull(listener);
  }

  @Override
  public byte[] deviceKey(String deviceId) {
    DeviceRecord d = state.records().get(deviceId);
    if (d != null && d.key() != null) {
      return d.key().clone();
    }
    if (masterSecret == null || deviceId.isEmpty()) {
      return null;
    }
    return KeySchedule.deviceKey(masterSecret, deviceId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean isRevoked(String deviceId) {
    DeviceRecord d = state.records().get(deviceId);
    return d != null && d.revoked();
  }

  /** True when {@code deviceId} has its own key in the registry. */
  public boolean isRegistered(String deviceId) {
    DeviceRecord d = state.records().get(deviceId);
    return d != null && d.registered();
  }

  /** Every id's record (a snapshot). */
  public Collection<DeviceRecord> records() {
    return state.records().values();
  }

  /** Registers {@code id} with a fresh random key and returns the key as 64 hex characters. */
  public String add(String id) throws IOException {
    validateId(id);
    byte[] key = new byte[KEY_BYTES];
    Randomness.threadRandom().nextBytes(key);
    change(
        id,
        old -> {
          if (old != null && old.registered()) {
            throw new IllegalArgumentException("device " + id + " is already registered");
          }
          long now = System.currentTimeMillis();
          return old == null
              ? new DeviceRecord(id, key, now, 0, 0)
              : new DeviceRecord(id, key, now, old.revokedAt(), old.reinstatedAt());
        });
    return Bytes.hex(key);
  }

  /**
   * Puts {@code id} on the revocation list (registered or not); revoking twice keeps the first
   * time.
   */
  public void revoke(String id) throws IOException {
    validateId(id);
    change(
        id,
        old -> {
          DeviceRecord r = old == null ? new DeviceRecord(id, null, 0, 0, 0) : old;
          return r.revoked() ? r : r.revokedAt(System.currentTimeMillis());
        });
  }

  /** Takes {@code id} off the revocation list (no-op when it is not on it). */
  public void reinstate(String id) throws IOException {
    validateId(id);
    change(
        id,
        old -> old == null || !old.revoked() ? old : old.reinstatedAt(System.currentTimeMillis()));
  }

  /** Every registered or revoked id, sorted. */
  public List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    for (DeviceRecord r : state.records().values()) {
      if (r.registered() || r.revoked()) {
        out.add(new Entry(r.id(), r.registered(), r.revoked()));
      }
    }
    return out;
  }

  /**
   * Folds in another copy's records (another node's). Memory changes at once; the file is written
   * too unless it cannot be read or another process changed it since (then the next {@link
   * #reloadIfChanged} merges the two and writes), or the write fails (then it is retried there).
   *
   * @return the records that changed here
   */
  public List<DeviceRecord> merge(Collection<DeviceRecord> incoming) {
    List<DeviceRecord> changed = new ArrayList<>();
    synchronized (lock) {
      State s = state;
      Map<String, DeviceRecord> next = new TreeMap<>(s.records());
      for (DeviceRecord r : incoming) {
        DeviceRecord old = next.get(r.id());
        DeviceRecord m = r.merge(old);
        if (!m.sameAs(old)) {
          next.put(r.id(), m);
          changed.add(m);
        }
      }
      if (changed.isEmpty()) {
        return changed;
      }
      Object stamp = s.stamp();
      boolean saved = false;
      try {
        if (Objects.equals(stamp(file), stamp)) {
          writeAtomically(file, encode(next));
          stamp = stamp(file);
          saved = true;
        }
      } catch (IOException e) {
        // Kept in memory; reloadIfChanged retries the write (and says why if it fails again).
      }
      unsaved |= !saved;
      state = new State(Collections.unmodifiableMap(next), stamp);
    }
    fire(changed);
    return changed;
  }

  /**
   * Re-reads the file when its last-modified time or size changed (another process edited it) and
   * merges it with what this instance holds, writing the union back when the file lacked some of
   * it; writes what memory holds unsaved. A corrupt file keeps the previous state and throws (and
   * is never overwritten: the operator's edit stays for them to fix).
   *
   * @return true when anything changed here
   */
  public boolean reloadIfChanged() throws IOException {
    List<DeviceRecord> changed = new ArrayList<>();
    try {
      synchronized (lock) {
        reloadLocked(changed);
      }
    } finally {
      fire(changed);
    }
    return !changed.isEmpty();
  }

  private void reloadLocked(List<DeviceRecord> changed) throws IOException {
    State s = state;
    Object now = stamp(file);
    boolean edited = !Objects.equals(now, s.stamp());
    if (!edited && !unsaved) {
      return;
    }
    Map<String, DeviceRecord> merged = new TreeMap<>(s.records());
    boolean write = unsaved;
    if (edited) {
      Map<String, DeviceRecord> fromFile = read(file);
      for (DeviceRecord r : fromFile.values()) {
        DeviceRecord old = merged.get(r.id());
        DeviceRecord m = r.merge(old);
        if (!m.sameAs(old)) {
          merged.put(r.id(), m);
          changed.add(m);
        }
      }
      write |= !sameRecords(merged, fromFile);
    }
    Map<String, DeviceRecord> frozen = Collections.unmodifiableMap(merged);
    if (!write) {
      state = new State(frozen, now);
      return;
    }
    try {
      writeAtomically(file, encode(merged));
      state = new State(frozen, stamp(file));
      unsaved = false;
    } catch (IOException e) {
      state = new State(frozen, now);
      unsaved = true;
      throw new IOException("device registry " + file + " not written: " + e.getMessage(), e);
    }
  }

  /**
   * A change made here: the file is re-read first (so another process's change is never dropped)
   * and written before the change takes effect; a corrupt or unwritable file refuses it.
   */
  private void change(String id, java.util.function.UnaryOperator<DeviceRecord> how)
      throws IOException {
    List<DeviceRecord> changed = new ArrayList<>();
    try {
      synchronized (lock) {
        reloadLocked(changed);
        State s = state;
        DeviceRecord old = s.records().get(id);
        DeviceRecord next = how.apply(old);
        if (next == null || next.sameAs(old)) {
          return;
        }
        Map<String, DeviceRecord> records = new TreeMap<>(s.records());
        records.put(id, next);
        writeAtomically(file, encode(records));
        state = new State(Collections.unmodifiableMap(records), stamp(file));
        changed.add(next);
      }
    } finally {
      fire(changed);
    }
  }

  private void fire(List<DeviceRecord> changed) {
    if (!changed.isEmpty()) {
      listener.accept(List.copyOf(changed));
    }
  }

  private static boolean sameRecords(Map<String, DeviceRecord> a, Map<String, DeviceRecord> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (DeviceRecord r : a.values()) {
      if (!r.sameAs(b.get(r.id()))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, DeviceRecord> read(Path file) throws IOException {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    // Messages name the file and the id at fault, never a key or the parser's excerpt of the text.
    JsonObject json;
    try {
      json = new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw corrupt(file, "not a JSON object (invalid or half-written)");
    }
    Map<String, DeviceRecord> records = new TreeMap<>();
    try {
      JsonObject d = json.getJsonObject("devices", new JsonObject());
      for (String id : d.fieldNames()) {
        checkId(file, id);
        JsonObject entry = d.getJsonObject(id);
        String hex = entry == null ? null : entry.getString("key");
        if (hex == null || hex.length() != 2 * KEY_BYTES || !hex.matches("[0-9a-fA-F]+")) {
          throw corrupt(file, "device " + id + " has no 64-hex-digit \"key\"");
        }
        long added = entry.getLong("added", 0L);
        records.put(id, new DeviceRecord(id, Bytes.unhex(hex), added, 0, 0));
      }
      JsonObject r = json.getJsonObject("revoked", new JsonObject());
      for (String id : r.fieldNames()) {
        checkId(file, id);
        Long at = r.getLong(id);
        // An entry without a usable time is still a revocation.
        long revokedAt = Math.max(1, at == null ? 0 : at);
        records.merge(id, new DeviceRecord(id, null, 0, revokedAt, 0), DeviceRecord::merge);
      }
      JsonObject back = json.getJsonObject("reinstated", new JsonObject());
      for (String id : back.fieldNames()) {
        checkId(file, id);
        JsonObject e = back.getJsonObject(id);
        long at = e.getLong("at");
        long lifted = e.getLong("revoked", 0L);
        records.merge(id, new DeviceRecord(id, null, 0, lifted, at), DeviceRecord::merge);
      }
    } catch (RuntimeException e) {
      throw corrupt(file, "a field is missing or has the wrong type");
    }
    return records;
  }

  private static void checkId(Path file, String id) throws IOException {
    try {
      validateId(id);
    } catch (IllegalArgumentException e) {
      throw corrupt(file, e.getMessage());
    }
  }

  private static IOException corrupt(Path file, String why) {
    return new IOException("corrupt device registry " + file + ": " + why);
  }

  private static byte[] encode(Map<String, DeviceRecord> records) {
    JsonObject d = new JsonObject();
    JsonObject r = new JsonObject();
    JsonObject back = new JsonObject();
    for (DeviceRecord dev : new TreeMap<>(records).values()) {
      if (dev.key() != null) {
        d.put(
            dev.id(), new JsonObject().put("key", Bytes.hex(dev.key())).put("added", dev.added()));
      }
      if (dev.revoked()) {
        r.put(dev.id(), dev.revokedAt());
      }
      if (dev.reinstatedAt() > 0) {
        JsonObject e = new JsonObject().put("at", dev.reinstatedAt());
        if (!dev.revoked()) {
          e.put("revoked", dev.revokedAt());
        }
        back.put(dev.id(), e);
      }
    }
    JsonObject all = new JsonObject().put("devices", d).put("revoked", r);
    if (!back.isEmpty()) {
      all.put("reinstated", back);
    }
    String text = all.encodePrettily() + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Last-modified time and size, or null when the file does not exist. */
  private static Object stamp(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Temp file in the same directory, mode 600 before any content, fsync, then an atomic rename over
   * the target and an fsync of the directory.
   */
  private static void writeAtomically(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      if (posix) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      }
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    // The rename is durable only once the directory is: a crash before would bring the old registry
    // back.
    Fsync.parentOf(file);
  }

  @Override
  public String toString() {
    List<Entry> l = list();
    return "DeviceRegistry["
        + file
        + ", "
        + l.stream().filter(Entry::registered).count()
        + " registered, "
        + l.stream().filter(Entry::revoked).count()
        + " revoked, master secret "
        + (masterSecret != null ? "set" : "unset")
        + "]";
  }
}
