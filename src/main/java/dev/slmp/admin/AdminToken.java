package dev.slmp.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The admin API's bearer token: {@code dataDir/admin.token}, 256 random bits in base64url, made on
 * first start with mode 600. A token file that others can read, or one too short to resist
 * guessing, stops the start: whoever holds it can add devices and read their keys.
 */
public final class AdminToken {
  public static final String FILE = "admin.token";
  private static final int MIN_CHARS = 22; // 128 bits of base64

  /** SHA-256 of the token: compared with a request's in constant time, lengths never differ. */
  private final byte[] digest;

  private AdminToken(String token) {
    this.digest = sha256(token);
  }

  /** Reads {@code dir/admin.token}, creating it (mode 600) when missing. */
  public static AdminToken loadOrCreate(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      try {
        Files.write(
            file,
            (token + "\n").getBytes(StandardCharsets.US_ASCII),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException raced) {
        return loadOrCreate(dir);
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    for (PosixFilePermission p : mode) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new IOException(
            file + " is readable or writable by others (mode must be 600: chmod 600 " + file + ")");
      }
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (token.length() < MIN_CHARS || !token.matches("[A-Za-z0-9_\\-]+")) {
      throw new IOException(
          file
              + " must hold one token of at least "
              + MIN_CHARS
              + " base64url characters (delete it to have a new one made)");
    }
    return new AdminToken(token);
  }

  /** Whether an {@code Authorization} header carries this token ({@code Bearer <token>}). */
  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorizationHeader.substring(7).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "AdminToken[hidden]";
  }
}
