package dev.slmp.cli;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Keys and secrets of {@code send}: given on the command line, in a file, or in the environment
 * (other local users can read a process's arguments, not its environment or a mode-600 file). A bad
 * value on the command line or in the environment is a usage error (exit 2); a file that cannot be
 * read or holds no key is an error (exit 1, an {@link IOException}). No message repeats a secret.
 */
final class Secrets {
  static final String DEVICE_KEY_ENV = "SLMP_DEVICE_KEY";
  static final String LEGACY_SECRET_ENV = "SLMP_LEGACY_SECRET";

  /** A key or secret file is short; more is not one. */
  private static final int MAX_FILE = 4096;

  private Secrets() {}

  /** The 32-byte device key: {@code --device-key}, else {@code --device-key-file}, else env. */
  static byte[] deviceKey(CommandLine cl, String hex, Path file) throws IOException {
    if (hex != null && file != null) {
      throw new ParameterException(cl, "give --device-key or --device-key-file, not both");
    }
    if (hex != null) {
      return hex32(cl, "--device-key", hex);
    }
    if (file != null) {
      byte[] text = readFile("--device-key-file", file);
      try {
        String s = new String(text, StandardCharsets.ISO_8859_1).trim();
        if (!s.matches("[0-9a-fA-F]{64}")) {
          throw new IOException(
              "--device-key-file " + file + ": does not hold 64 hex digits (32 bytes)");
        }
        return Bytes.unhex(s);
      } finally {
        Arrays.fill(text, (byte) 0);
      }
    }
    String env = System.getenv(DEVICE_KEY_ENV);
    if (env != null && !env.isBlank()) {
      return hex32(cl, "$" + DEVICE_KEY_ENV, env.trim());
    }
    throw new ParameterException(
        cl,
        "missing the device key: --device-key-file FILE, $"
            + DEVICE_KEY_ENV
            + " or --device-key HEX");
  }

  /** The legacy shared secret: {@code --secret}, else {@code --secret-file}, else env. */
  static byte[] legacySecret(CommandLine cl, String secret, Path file) throws IOException {
    if (secret != null && file != null) {
      throw new ParameterException(cl, "give --secret or --secret-file, not both");
    }
    byte[] s;
    if (secret != null) {
      s = secret.getBytes(StandardCharsets.UTF_8);
    } else if (file != null) {
      byte[] text = readFile("--secret-file", file);
      String t = new String(text, StandardCharsets.UTF_8).strip();
      Arrays.fill(text, (byte) 0);
      if (t.isEmpty()) {
        throw new IOException("--secret-file " + file + ": is empty");
      }
      s = t.getBytes(StandardCharsets.UTF_8);
    } else {
      String env = System.getenv(LEGACY_SECRET_ENV);
      s = env == null ? new byte[0] : env.getBytes(StandardCharsets.UTF_8);
    }
    if (s.length == 0) {
      throw new ParameterException(
          cl, "missing the secret: --secret-file FILE, $" + LEGACY_SECRET_ENV + " or --secret S");
    }
    return s;
  }

  private static byte[] hex32(CommandLine cl, String where, String hex) {
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new ParameterException(cl, where + " must be 64 hex digits (32 bytes)");
    }
    return Bytes.unhex(hex);
  }

  /** A file's bytes (at most 4 KiB), or an IOException naming the option, file and reason. */
  static byte[] readFile(String option, Path file) throws IOException {
    byte[] b;
    try (InputStream in = Files.newInputStream(file)) {
      b = in.readNBytes(MAX_FILE + 1);
    } catch (NoSuchFileException e) {
      throw new IOException(option + " " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IOException(option + " " + file + ": cannot read it (permission denied)");
    } catch (FileSystemException e) {
      throw new IOException(
          option + " " + file + ": cannot read it (" + String.valueOf(e.getReason()) + ")");
    } catch (IOException e) {
      throw new IOException(option + " " + file + ": cannot read it (" + e.getMessage() + ")");
    }
    if (b.length > MAX_FILE) {
      Arrays.fill(b, (byte) 0);
      throw new IOException(option + " " + file + ": longer than " + MAX_FILE + " bytes");
    }
    return b;
  }

  /**
   * {@code --server-key}: the spec encoding in hex (130 or 64 digits), or a file holding a PEM
   * public key or that hex.
   */
  static Pem.GroupKey serverKey(String arg) throws IOException {
    Pem.GroupKey k = fromHex(arg.trim());
    if (k != null) {
      return k;
    }
    Path file = Path.of(arg);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "--server-key: no such file " + arg + " (and not 130 or 64 hex digits)");
    }
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    k = fromHex(text.trim());
    if (k != null) {
      return k;
    }
    try {
      return Pem.publicFromSpki(Pem.decode(text, Pem.PUBLIC_KEY));
    } catch (InvalidKeySpecException e) {
      throw new IOException(
          "--server-key " + file + ": not a P-256 or X25519 public key: " + e.getMessage());
    }
  }

  private static Pem.GroupKey fromHex(String s) throws IOException {
    if (!s.matches("[0-9a-fA-F]{130}|[0-9a-fA-F]{64}")) {
      return null;
    }
    byte[] key = Bytes.unhex(s);
    DhGroup group = key.length == 65 ? DhGroup.p256() : DhGroup.x25519();
    try {
      group.validatePublic(key);
    } catch (InvalidKeyException e) {
      throw new IOException(
          "--server-key: not a valid " + group.name() + " public key (" + e.getMessage() + ")");
    }
    return new Pem.GroupKey(group, key);
  }
}
