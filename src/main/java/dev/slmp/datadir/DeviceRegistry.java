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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The device registry file ({@code devices.json}, spec 4): per-device keys and the revocation list,
 * backed by a master secret for devices that are not registered. Reads are lock-free on an
 * immutable snapshot (they sit on the AUTH path); changes are serialised, written atomically (mode
 * 600) and take effect for the next AUTH or RESUME. All methods except the lookups do blocking file
 * I/O.
 *
 * <p>Format: {@code {"devices": {"<id>": {"key": "<64 hex>", "added": <epochMillis>}}, "revoked":
 * {"<id>": <epochMillis>}}}.
 */
public final class DeviceRegistry implements DeviceDirectory {
  public static final int MAX_ID_BYTES = Auth.MAX_ID_LENGTH;
  private static final int KEY_BYTES = 32;

  private record Device(byte[] key, long added) {}

  /** One id of {@link #list()}: registered with its own key, revoked, or both. */
  public record Entry(String id, boolean registered, boolean revoked) {}

  /**
   * An immutable view of the file; {@code stamp} tells whether the file changed since it was read.
   */
  private record State(Map<String, Device> devices, Map<String, Long> revoked, Object stamp) {}

  private final Path file;
  private final byte[] masterSecret;
  private volatile State state;

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
    return new DeviceRegistry(
        file, masterSecretOrNull == null ? null : masterSecretOrNull.clone(), read(file));
  }

  /** The content of a new, empty registry file. */
  public static byte[] emptyFile() {
    return encode(Map.of(), Map.of());
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

  @Override
  public byte[] deviceKey(String deviceId) {
    Device d = state.devices().get(deviceId);
    if (d != null) {
      return d.key().clone();
    }
    if (masterSecret == null || deviceId.isEmpty()) {
      return null;
    }
    return KeySchedule.deviceKey(masterSecret, deviceId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean isRevoked(String deviceId) {
    return state.revoked().containsKey(deviceId);
  }

  /** True when {@code deviceId} has its own key in the registry. */
  public boolean isRegistered(String deviceId) {
    return state.devices().containsKey(deviceId);
  }

  /** Registers {@code id} with a fresh random key and returns the key as 64 hex characters. */
  public synchronized String add(String id) throws IOException {
    validateId(id);
    State s = latest();
    if (s.devices().containsKey(id)) {
      throw new IllegalArgumentException("device " + id + " is already registered");
    }
    byte[] key = new byte[KEY_BYTES];
    Randomness.threadRandom().nextBytes(key);
    Map<String, Device> devices = new TreeMap<>(s.devices());
    devices.put(id, new Device(key, System.currentTimeMillis()));
    save(devices, s.revoked());
    return Bytes.hex(key);
  }

  /**
   * Puts {@code id} on the revocation list (registered or not); revoking twice keeps the first
   * time.
   */
  public synchronized void revoke(String id) throws IOException {
    validateId(id);
    State s = latest();
    if (!s.revoked().containsKey(id)) {
      Map<String, Long> revoked = new TreeMap<>(s.revoked());
      revoked.put(id, System.currentTimeMillis());
      save(s.devices(), revoked);
    }
  }

  /** Takes {@code id} off the revocation list (no-op when it is not on it). */
  public synchronized void reinstate(String id) throws IOException {
    validateId(id);
    State s = latest();
    if (s.revoked().containsKey(id)) {
      Map<String, Long> revoked = new TreeMap<>(s.revoked());
      revoked.remove(id);
      save(s.devices(), revoked);
    }
  }

  /** Every registered or revoked id, sorted. */
  public List<Entry> list() {
    State s = state;
    TreeSet<String> ids = new TreeSet<>(s.devices().keySet());
    ids.addAll(s.revoked().keySet());
    List<Entry> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(new Entry(id, s.devices().containsKey(id), s.revoked().containsKey(id)));
    }
    return out;
  }

  /**
   * Re-reads the file when its last-modified time or size changed (another process edited it). A
   * corrupt file keeps the previous state and throws.
   *
   * @return true when it reloaded
   */
  public synchronized boolean reloadIfChanged() throws IOException {
    if (Objects.equals(stamp(file), state.stamp())) {
      return false;
    }
    state = read(file);
    return true;
  }

  /**
   * The current state, re-read first if another process changed the file, so a change never drops
   * theirs.
   */
  private State latest() throws IOException {
    reloadIfChanged();
    return state;
  }

  private void save(Map<String, Device> devices, Map<String, Long> revoked) throws IOException {
    writeAtomically(file, encode(devices, revoked));
    state =
        new State(
            Collections.unmodifiableMap(new TreeMap<>(devices)),
            Collections.unmodifiableMap(new TreeMap<>(revoked)),
            stamp(file));
  }

  private static State read(Path file) throws IOException {
    Object stamp = stamp(file);
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new State(Map.of(), Map.of(), null);
    }
    // Messages name the file and the id at fault, never a key or the parser's excerpt of the text.
    JsonObject json;
    try {
      json = new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw corrupt(file, "not a JSON object");
    }
    Map<String, Device> devices = new TreeMap<>();
    Map<String, Long> revoked = new TreeMap<>();
    try {
      JsonObject d = json.getJsonObject("devices", new JsonObject());
      for (String id : d.fieldNames()) {
        checkId(file, id);
        JsonObject entry = d.getJsonObject(id);
        String hex = entry == null ? null : entry.getString("key");
        if (hex == null || hex.length() != 2 * KEY_BYTES || !hex.matches("[0-9a-fA-F]+")) {
          throw corrupt(file, "device " + id + " has no 64-hex-digit \"key\"");
        }
        Long added = entry.getLong("added", 0L);
        devices.put(id, new Device(Bytes.unhex(hex), added));
      }
      JsonObject r = json.getJsonObject("revoked", new JsonObject());
      for (String id : r.fieldNames()) {
        checkId(file, id);
        Long at = r.getLong(id);
        revoked.put(id, at == null ? 0L : at);
      }
    } catch (RuntimeException e) {
      throw corrupt(file, "a field is missing or has the wrong type");
    }
    return new State(
        Collections.unmodifiableMap(devices), Collections.unmodifiableMap(revoked), stamp);
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

  private static byte[] encode(Map<String, Device> devices, Map<String, Long> revoked) {
    JsonObject d = new JsonObject();
    new TreeMap<>(devices)
        .forEach(
            (id, dev) ->
                d.put(
                    id,
                    new JsonObject().put("key", Bytes.hex(dev.key())).put("added", dev.added())));
    JsonObject r = new JsonObject();
    new TreeMap<>(revoked).forEach(r::put);
    String text = new JsonObject().put("devices", d).put("revoked", r).encodePrettily() + "\n";
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
    State s = state;
    return "DeviceRegistry["
        + file
        + ", "
        + s.devices().size()
        + " registered, "
        + s.revoked().size()
        + " revoked, master secret "
        + (masterSecret != null ? "set" : "unset")
        + "]";
  }
}
