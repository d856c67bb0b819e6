package dev.slmp.datadir;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Pem;
import dev.slmp.crypto.Randomness;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.StaticKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;

/**
 * A node's data directory (default {@code data/}): the server static keys of spec 4 (PKCS#8 / SPKI
 * PEM), the master secret and the device registry. Every node of a cluster must hold the same keys
 * and master secret, so files are created only when missing and never overwritten. All methods do
 * blocking file I/O.
 */
public final class DataDirectory {
  public static final String P256_KEY = "server-p256.key";
  public static final String P256_PUB = "server-p256.pub";
  public static final String X25519_KEY = "server-x25519.key";
  public static final String X25519_PUB = "server-x25519.pub";
  public static final String MASTER_SECRET = "master.secret";
  public static final String DEVICES = "devices.json";

  /** Seals the resumption secrets a cluster keeps in its shared session store (spec 9). */
  public static final String CLUSTER_KEY = "cluster.key";

  private static final String SECRET_MODE = "rw-------";
  private static final String PUBLIC_MODE = "rw-r--r--";
  private static final String HINT = "start a node once or run `keys --init` to create it";
  private static final int MASTER_BYTES = 32;

  private final Path dir;
  private final StaticKey p256;
  private final StaticKey x25519;
  private final byte[] masterSecret;
  private final byte[] clusterKey;
  private final DeviceRegistry registry;

  private DataDirectory(
      Path dir,
      StaticKey p256,
      StaticKey x25519,
      byte[] masterSecret,
      byte[] clusterKey,
      DeviceRegistry registry) {
    this.dir = dir;
    this.clusterKey = clusterKey;
    this.p256 = p256;
    this.x25519 = x25519;
    this.masterSecret = masterSecret;
    this.registry = registry;
  }

  /**
   * Opens {@code dir}, first creating it (mode 700) and any missing file; existing files are never
   * rewritten.
   */
  public static DataDirectory openOrCreate(Path dir) throws IOException {
    return load(dir, true);
  }

  /**
   * Opens an existing data directory and creates nothing: the tools use it, so a mistyped {@code
   * --data} is an error naming the directory instead of a new directory with new keys. A missing
   * file is an error naming it.
   */
  public static DataDirectory open(Path dir) throws IOException {
    return load(dir, false);
  }

  private static DataDirectory load(Path dir, boolean create) throws IOException {
    if (!create) {
      checkHoldsNodeData(dir);
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      if (posix()) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      Fsync.parentOf(dir);
    }
    StaticKey p256 = loadKey(dir, DhGroup.p256(), P256_KEY, P256_PUB, create);
    StaticKey x25519 = loadKey(dir, DhGroup.x25519(), X25519_KEY, X25519_PUB, create);
    byte[] master = loadMaster(dir.resolve(MASTER_SECRET), create);
    byte[] clusterKey = Arrays.copyOf(loadMaster(dir.resolve(CLUSTER_KEY), create), MASTER_BYTES);
    Path devices = dir.resolve(DEVICES);
    if (!Files.exists(devices)) {
      if (!create) {
        throw missing(devices);
      }
      writeNew(devices, DeviceRegistry.emptyFile(), SECRET_MODE);
    }
    DeviceRegistry registry = DeviceRegistry.open(devices, master);
    return new DataDirectory(dir, p256, x25519, master, clusterKey, registry);
  }

  public Path dir() {
    return dir;
  }

  public StaticKey p256() {
    return p256;
  }

  public StaticKey x25519() {
    return x25519;
  }

  /** Both static keys. */
  public ServerKeyRing keyRing() {
    return ServerKeyRing.of(p256, x25519);
  }

  /** A copy of the master secret. */
  public byte[] masterSecret() {
    return masterSecret.clone();
  }

  /** A copy of the 32-byte cluster key. */
  public byte[] clusterKey() {
    return clusterKey.clone();
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  public DeviceRegistry registry() {
    return registry;
  }

  /**
   * Fails, naming {@code dir}, unless it is a directory holding at least a node's keys and master
   * secret.
   */
  private static void checkHoldsNodeData(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new IOException("data directory " + dir + " does not exist: " + HINT);
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("data directory " + dir + " is not a directory");
    }
    if (!Files.exists(dir.resolve(P256_KEY)) && !Files.exists(dir.resolve(MASTER_SECRET))) {
      throw new IOException(
          "directory "
              + dir
              + " does not hold a node's data (no "
              + P256_KEY
              + ", no "
              + MASTER_SECRET
              + "): "
              + HINT);
    }
  }

  private static StaticKey loadKey(
      Path dir, DhGroup group, String keyName, String pubName, boolean create) throws IOException {
    Path keyFile = dir.resolve(keyName);
    Path pubFile = dir.resolve(pubName);
    if (!Files.exists(keyFile)) {
      if (!create) {
        throw missing(keyFile);
      }
      byte[] priv = group.generatePrivate(Randomness.threadRandom());
      writeNew(
          keyFile,
          Pem.encode(Pem.PRIVATE_KEY, Pem.privateToPkcs8(group, priv))
              .getBytes(StandardCharsets.US_ASCII),
          SECRET_MODE);
      Arrays.fill(priv, (byte) 0);
    }
    // Read back even what we just wrote: another process may have won the race to create it.
    StaticKey key = readPrivate(keyFile, group);
    if (!Files.exists(pubFile)) {
      if (!create) {
        throw missing(pubFile);
      }
      String pem = Pem.encode(Pem.PUBLIC_KEY, Pem.publicToSpki(group, key.publicKey()));
      writeNew(pubFile, pem.getBytes(StandardCharsets.US_ASCII), PUBLIC_MODE);
    }
    byte[] pub = readPublic(pubFile, group);
    if (!Arrays.equals(pub, key.publicKey())) {
      throw new IOException(
          pubFile
              + " does not match "
              + keyFile.getFileName()
              + " (delete the .pub file to re-derive it from the private key)");
    }
    return key;
  }

  private static StaticKey readPrivate(Path file, DhGroup group) throws IOException {
    try {
      byte[] der = Pem.decode(readText(file), Pem.PRIVATE_KEY);
      Pem.GroupKey k = Pem.privateFromPkcs8(der);
      Arrays.fill(der, (byte) 0);
      if (!k.group().name().equals(group.name())) {
        throw new IOException(
            file + " holds a " + k.group().name() + " key, expected " + group.name());
      }
      StaticKey key = StaticKey.of(group, k.key());
      Arrays.fill(k.key(), (byte) 0);
      return key;
    } catch (InvalidKeySpecException e) {
      throw new IOException("corrupt private key file " + file + ": " + e.getMessage());
    }
  }

  private static byte[] readPublic(Path file, DhGroup group) throws IOException {
    try {
      Pem.GroupKey k = Pem.publicFromSpki(Pem.decode(readText(file), Pem.PUBLIC_KEY));
      if (!k.group().name().equals(group.name())) {
        throw new IOException(
            file + " holds a " + k.group().name() + " key, expected " + group.name());
      }
      return k.key();
    } catch (InvalidKeySpecException e) {
      throw new IOException("corrupt public key file " + file + ": " + e.getMessage());
    }
  }

  private static byte[] loadMaster(Path file, boolean create) throws IOException {
    if (!Files.exists(file)) {
      if (!create) {
        throw missing(file);
      }
      byte[] secret = new byte[MASTER_BYTES];
      Randomness.threadRandom().nextBytes(secret);
      writeNew(file, (Bytes.hex(secret) + "\n").getBytes(StandardCharsets.US_ASCII), SECRET_MODE);
      Arrays.fill(secret, (byte) 0);
    }
    String hex = readText(file).strip();
    // Spec 4: at least 32 random bytes; a shorter or non-hex value is refused, not stretched.
    if (hex.length() < 2 * MASTER_BYTES || hex.length() % 2 != 0 || !hex.matches("[0-9a-fA-F]+")) {
      throw new IOException("corrupt secret file " + file + ": expected at least 64 hex digits");
    }
    return Bytes.unhex(hex);
  }

  private static String readText(Path file) throws IOException {
    try {
      // Latin-1 never fails to decode, so junk bytes surface as a PEM/hex error naming the file.
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw missing(file);
    }
  }

  private static IOException missing(Path file) {
    return new IOException("missing " + file + ": " + HINT);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Makes {@code dir} readable by its owner only (mode 700), where the file system has modes. */
  public static void restrict(Path dir) throws IOException {
    if (posix()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /**
   * Creates {@code file} with {@code content} and {@code mode} (e.g. {@code rw-------}) unless it
   * exists, the way the directory's own keys are created: for other key files (the cluster CA's).
   */
  public static void writeNewFile(Path file, byte[] content, String mode) throws IOException {
    writeNew(file, content, mode);
  }

  /**
   * Creates {@code file} with {@code content} unless it exists: a temp file in the same directory
   * gets its mode before any content and is fsynced, then linked into place (a link never replaces
   * an existing file, so two processes racing to create keys cannot overwrite each other); where
   * links are unsupported, an atomic move.
   */
  private static void writeNew(Path file, byte[] content, String mode) throws IOException {
    Path tmp =
        posix()
            ? Files.createTempFile(
                file.toAbsolutePath().getParent(),
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(SECRET_MODE)))
            : Files.createTempFile(
                file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
    try {
      if (posix()) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
      }
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        return; // created meanwhile by someone else: theirs stays
      } catch (UnsupportedOperationException | IOException e) {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    Fsync.parentOf(file);
  }

  @Override
  public String toString() {
    return "DataDirectory["
        + dir
        + ", P-256 key_id="
        + p256.keyIdHex()
        + ", X25519 key_id="
        + x25519.keyIdHex()
        + "]";
  }
}
