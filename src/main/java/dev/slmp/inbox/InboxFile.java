package dev.slmp.inbox;

import dev.slmp.datadir.Fsync;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The inbox's file work, on one writer thread: the file holds only whole JSON lines, and never
 * loses a line it reported written. A write that fails part-way is truncated back to the size
 * before it; an fsync that fails is never retried on the same descriptor (Linux marks the lost
 * pages clean and reports the error once, so a second fsync "succeeds" over lost data): the file is
 * closed and every append is refused until it has been reopened and a test write + fsync on the
 * same file system succeeded. At open a torn last line (a crash in mid-write) is moved aside, so
 * the next line starts on a line of its own. Appends are refused while less than {@code
 * minFreeBytes} would stay free, and the file is rolled to {@code <name>-<n>.jsonl} at {@code
 * maxFileBytes}. Every file it creates is mode 600 and followed by an fsync of the directory.
 */
final class InboxFile implements Closeable {
  private static final System.Logger LOG = System.getLogger(InboxFile.class.getName());
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");
  private static final int PROBE_BYTES = 4096;

  /**
   * Opens the channels it writes through: the seam where tests make writes and fsyncs fail for
   * real.
   */
  interface Opener {
    FileChannel open(Path file, OpenOption... options) throws IOException;
  }

  /**
   * An append refused before anything was written: the disk is nearly full, or the file is
   * recovering.
   */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message, null);
    }
  }

  private final Path file;
  private final Path probe;
  private final Opener opener;
  private final long minFreeBytes;
  private final long maxFileBytes;
  private final FileStore store;
  private FileChannel channel;

  /** Bytes of whole, fsynced lines: what a failed append is truncated back to. */
  private long size;

  /** Set by an fsync (or undo) failure: appends are refused until {@link #recover} succeeds. */
  private boolean broken;

  private boolean lowSpace;

  /** One log line per failed-recovery episode, not one per refused batch. */
  private boolean recoveryFailureLogged;

  private int nextRoll;

  private InboxFile(Path file, Opener opener, long minFreeBytes, long maxFileBytes)
      throws IOException {
    this.file = file.toAbsolutePath();
    this.probe = this.file.resolveSibling("." + this.file.getFileName() + ".probe");
    this.opener = opener;
    this.minFreeBytes = minFreeBytes;
    this.maxFileBytes = maxFileBytes;
    this.store = Files.getFileStore(this.file.getParent());
  }

  static InboxFile open(Path file, long minFreeBytes, long maxFileBytes) throws IOException {
    return open(file, minFreeBytes, maxFileBytes, FileChannel::open);
  }

  /**
   * Creates the file if missing (mode 600), repairs a torn last line, and opens it for appending.
   */
  static InboxFile open(Path file, long minFreeBytes, long maxFileBytes, Opener opener)
      throws IOException {
    InboxFile f = new InboxFile(file, opener, minFreeBytes, maxFileBytes);
    Files.deleteIfExists(f.probe); // left by a crash during a test write
    createPrivate(f.file);
    repairTornTail(f.file);
    f.nextRoll = nextRollNumber(f.file);
    f.channel = opener.open(f.file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    f.size = f.channel.size();
    return f;
  }

  Path path() {
    return file;
  }

  /**
   * Appends whole lines and fsyncs them. On any exception none of {@code lines} may be counted as
   * written (the caller answers NOT_DELIVERED), and the lines before are intact.
   */
  void append(byte[] lines) throws IOException {
    if (broken) {
      recover();
    }
    checkFreeSpace(lines.length);
    if (size > 0 && size + lines.length > maxFileBytes) {
      roll();
    }
    long before = size;
    try {
      ByteBuffer buf = ByteBuffer.wrap(lines);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    } catch (IOException e) {
      undo(before);
      LOG.log(
          System.Logger.Level.ERROR,
          "inbox write to "
              + file
              + " failed, truncated back to "
              + before
              + " bytes: "
              + e.getMessage());
      throw e;
    }
    try {
      channel.force(false);
    } catch (IOException e) {
      // Not retried on this descriptor: the error may already have dropped the pages it failed to
      // write.
      LOG.log(
          System.Logger.Level.ERROR,
          "inbox fsync of "
              + file
              + " failed; refusing deliveries until the file"
              + " is reopened and a test write succeeds: "
              + e.getMessage());
      breakDown(before);
      throw e;
    }
    size = before + lines.length;
  }

  private void checkFreeSpace(int adding) throws IOException {
    long free = store.getUsableSpace();
    boolean low = free - adding < minFreeBytes;
    if (low != lowSpace) {
      lowSpace = low;
      LOG.log(
          low ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
          low
              ? "inbox: "
                  + free
                  + " bytes free on the file system of "
                  + file
                  + ", below inbox.minFreeBytes ("
                  + minFreeBytes
                  + "): deliveries are answered NOT_DELIVERED"
              : "inbox: free space back above inbox.minFreeBytes, writing again");
    }
    if (low) {
      throw new Refused("less than inbox.minFreeBytes free on the inbox's file system");
    }
  }

  /**
   * Takes a failed write back off the file; if even that fails the file is treated like a failed
   * fsync.
   */
  private void undo(long before) {
    try {
      channel.truncate(before);
      channel.force(true);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "inbox could not truncate " + file + " back to " + before + " bytes: " + e.getMessage());
      breakDown(before);
    }
  }

  /**
   * Closes the descriptor that failed; {@link #recover} truncates the refused bytes away on a fresh
   * one.
   */
  private void breakDown(long goodSize) {
    broken = true;
    size = goodSize;
    closeQuietly(channel);
    channel = null;
  }

  /**
   * Reopens the file, takes refused bytes off it, and proves the file system writable with a test
   * write.
   */
  private void recover() throws IOException {
    FileChannel ch = null;
    try {
      createPrivate(file); // a failed roll may have left none
      ch = opener.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      long actual = ch.size();
      if (actual > size) {
        ch.truncate(size);
      } else if (actual < size) {
        LOG.log(
            System.Logger.Level.ERROR,
            "inbox: "
                + file
                + " shrank from "
                + size
                + " to "
                + actual
                + " bytes while it was closed (changed outside the node)");
        size = actual;
      }
      testWrite();
      ch.force(true);
    } catch (IOException e) {
      closeQuietly(ch);
      if (!recoveryFailureLogged) {
        recoveryFailureLogged = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "inbox: reopening "
                + file
                + " for a test write failed, still refusing"
                + " deliveries: "
                + e.getMessage());
      }
      throw new Refused("inbox is recovering from a failed fsync");
    }
    channel = ch;
    broken = false;
    recoveryFailureLogged = false;
    LOG.log(
        System.Logger.Level.INFO,
        "inbox: " + file + " reopened and a test write succeeded, writing again");
  }

  private void testWrite() throws IOException {
    try (FileChannel ch =
        opener.open(
            probe,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.allocate(PROBE_BYTES);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /**
   * Renames the file to the next free {@code <name>-<n>.jsonl} and starts a new one: lines stay in
   * order.
   */
  private void roll() throws IOException {
    try {
      channel.close();
      Path target;
      do {
        target = rolledName(file, nextRoll++);
      } while (Files.exists(target));
      // Atomic, so the lines are under one name or the other, never both or neither.
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      size = 0; // the lines are safe under the new name: a recovery starts from an empty file
      Fsync.parentOf(file);
      createPrivate(file);
      channel = opener.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      LOG.log(System.Logger.Level.INFO, "inbox rolled to " + target);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "inbox could not roll " + file + ": " + e.getMessage());
      breakDown(size);
      throw e;
    }
  }

  static Path rolledName(Path file, int n) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    return file.resolveSibling(stem + "-" + n + ext);
  }

  private static int nextRollNumber(Path file) throws IOException {
    Path probeName = rolledName(file, 0);
    String zero = probeName.getFileName().toString();
    int at = zero.lastIndexOf("-0");
    Pattern p =
        Pattern.compile(
            Pattern.quote(zero.substring(0, at + 1))
                + "(\\d{1,9})"
                + Pattern.quote(zero.substring(at + 2)));
    int max = 0;
    try (Stream<Path> s = Files.list(file.getParent())) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Matcher m = p.matcher(f.getFileName().toString());
        if (m.matches()) {
          max = Math.max(max, Integer.parseInt(m.group(1)));
        }
      }
    }
    return max + 1;
  }

  /**
   * Creates {@code file} mode 600 whatever the umask (set again after creation), then fsyncs its
   * directory.
   */
  static void createPrivate(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    try {
      if (POSIX) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE));
        Files.setPosixFilePermissions(file, PRIVATE);
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      return;
    }
    Fsync.parentOf(file);
  }

  /**
   * A last line without its newline was torn by a crash or a failed write: it moves to {@code
   * <file>.torn-<UTC time>} and the file is cut back to its last whole line, so the next line is
   * not glued onto it.
   */
  static void repairTornTail(Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = endOfLastLine(ch, size);
      if (end == size) {
        return;
      }
      Path torn = tornName(file);
      try (FileChannel out =
          FileChannel.open(torn, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        if (POSIX) {
          Files.setPosixFilePermissions(torn, PRIVATE);
        }
        for (long pos = end; pos < size; ) {
          pos += ch.transferTo(pos, size - pos, out);
        }
        out.force(true);
      }
      Fsync.parentOf(torn);
      ch.truncate(end);
      ch.force(true);
      // The byte count and names only: the fragment is device data, not for the log.
      LOG.log(
          System.Logger.Level.WARNING,
          "inbox "
              + file
              + " ended in a torn line: its "
              + (size - end)
              + " bytes moved to "
              + torn);
    }
  }

  private static Path tornName(Path file) {
    String base = file.getFileName() + ".torn-" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    Path torn = file.resolveSibling(base);
    for (int i = 1; Files.exists(torn); i++) {
      torn = file.resolveSibling(base + "-" + i);
    }
    return torn;
  }

  /**
   * The position just after the last {@code '\n'} (0 when there is none), read backwards in blocks.
   */
  private static long endOfLastLine(FileChannel ch, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long pos = size;
    while (pos > 0) {
      int n = (int) Math.min(buf.capacity(), pos);
      buf.clear().limit(n);
      long from = pos - n;
      while (buf.hasRemaining()) {
        if (ch.read(buf, from + buf.position()) < 0) {
          throw new IOException("inbox file shrank while it was read");
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      pos = from;
    }
    return 0;
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // already failing; the error that matters was reported
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
