package dev.slmp.datadir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a directory entry durable. An fsync of a file's content does not persist its name: after a
 * crash a file that was created or renamed but whose directory was not fsynced can be missing or
 * carry its old name, which for the registry means a revocation undone and for a key a device
 * re-provisioned. So every create or rename in the data directory is followed by {@link
 * #directory}.
 */
public final class Fsync {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private Fsync() {}

  /**
   * Fsyncs {@code dir} (a directory). Where directories cannot be opened (Windows), a no-op: there
   * the file system orders the entry with the file's own flush.
   */
  public static void directory(Path dir) throws IOException {
    if (!POSIX) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Fsyncs the directory that holds {@code file}. */
  public static void parentOf(Path file) throws IOException {
    directory(file.toAbsolutePath().getParent());
  }
}
