package dev.slmp.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InboxFile} on real files, with faults injected below it by {@link FaultyDisk}. */
class InboxFileTest {
  private static final long NO_ROLL = Long.MAX_VALUE;

  @TempDir Path dir;

  private Path inbox() {
    return dir.resolve("inbox.jsonl");
  }

  private static byte[] lines(String... texts) {
    StringBuilder b = new StringBuilder();
    for (String t : texts) {
      b.append(new JsonObject().put("m", t).encode()).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private String content() throws IOException {
    return Files.readString(inbox());
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aTornLastLineIsMovedAsideAtOpenAndTheNextLineStandsAlone() throws Exception {
    String whole = text(lines("a", "b"));
    Files.writeString(inbox(), whole + "{\"m\":\"tor");
    List<LogRecord> logged = new ArrayList<>();
    Logger logger = Logger.getLogger(InboxFile.class.getName());
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(h);
    try (InboxFile f = InboxFile.open(inbox(), 0, NO_ROLL)) {
      f.append(lines("c"));
    } finally {
      logger.removeHandler(h);
    }
    assertEquals(whole + text(lines("c")), content());
    for (String line : content().split("\n")) {
      new JsonObject(line); // every line whole JSON
    }
    List<Path> torn;
    try (Stream<Path> s = Files.list(dir)) {
      torn = s.filter(p -> p.getFileName().toString().startsWith("inbox.jsonl.torn-")).toList();
    }
    assertEquals(1, torn.size(), "one fragment file");
    assertEquals("{\"m\":\"tor", Files.readString(torn.get(0)));
    assertTrue(
        torn.get(0).getFileName().toString().matches("inbox\\.jsonl\\.torn-\\d{8}T\\d{9}Z"),
        torn.toString());
    assertTrue(
        logged.stream()
            .anyMatch(
                r ->
                    r.getMessage().contains(torn.get(0).toString())
                        && r.getMessage().contains("9 bytes")),
        "the log names the fragment file");
    assertTrue(
        logged.stream().noneMatch(r -> r.getMessage().contains("tor\"")),
        "no device data in the log");
    if (posix()) {
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(torn.get(0))));
    }
  }

  @Test
  void aFileWithoutAnyNewlineIsAllFragment() throws Exception {
    Files.writeString(inbox(), "\0\0\0\0");
    try (InboxFile f = InboxFile.open(inbox(), 0, NO_ROLL)) {
      f.append(lines("x"));
    }
    assertEquals(text(lines("x")), content());
    // A whole file opens untouched: no second fragment.
    try (InboxFile f = InboxFile.open(inbox(), 0, NO_ROLL)) {
      f.append(lines("y"));
    }
    assertEquals(text(lines("x", "y")), content());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.filter(p -> p.getFileName().toString().contains(".torn-")).count());
    }
  }

  @Test
  void aWriteThatFailsPartWayIsTruncatedBackAndNothingBeforeIsLost() throws Exception {
    FaultyDisk disk = new FaultyDisk();
    try (InboxFile f = InboxFile.open(inbox(), 0, NO_ROLL, disk)) {
      f.append(lines("before"));
      disk.failWriteAfter.set(7);
      IOException e = assertThrows(IOException.class, () -> f.append(lines("lost-1", "lost-2")));
      assertFalse(e instanceof InboxFile.Refused);
      assertEquals(
          text(lines("before")), content(), "the 7 bytes that reached the file are gone again");
      f.append(lines("after"));
    }
    assertEquals(text(lines("before", "after")), content());
  }

  @Test
  void anFsyncFailureRefusesUntilTheFileIsReopenedAndATestWriteSucceeds() throws Exception {
    FaultyDisk disk = new FaultyDisk();
    try (InboxFile f = InboxFile.open(inbox(), 0, NO_ROLL, disk)) {
      f.append(lines("kept"));
      FaultyDisk.Channel first = disk.opened().get(0);
      disk.failForces.set(
          2); // the batch's fsync, then the test write's fsync of the first recovery
      IOException e = assertThrows(IOException.class, () -> f.append(lines("fsync-failed")));
      assertFalse(e instanceof InboxFile.Refused);
      assertFalse(first.isOpen(), "the descriptor whose fsync failed is closed, not fsynced again");
      assertEquals(2, first.forces.get(), "one fsync for 'kept', one that failed; never retried");

      assertThrows(InboxFile.Refused.class, () -> f.append(lines("refused")));
      List<FaultyDisk.Channel> opened = disk.opened();
      assertTrue(
          opened.stream().anyMatch(c -> c.file.getFileName().toString().endsWith(".probe")),
          "the recovery made a test write: " + opened.stream().map(c -> c.file).toList());
      assertEquals(0, disk.failForces.get());

      f.append(lines("after"));
      assertTrue(
          disk.opened().stream()
              .skip(1)
              .anyMatch(c -> c.file.equals(inbox().toAbsolutePath()) && c.isOpen()),
          "writing on a reopened descriptor");
    }
    assertEquals(text(lines("kept", "after")), content(), "the refused lines are not in the file");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(inbox()), s.toList(), "no test-write file left behind");
    }
  }

  @Test
  void theFileIsCreatedMode600() throws Exception {
    assumeTrue(posix());
    try (InboxFile f = InboxFile.open(inbox(), 0, NO_ROLL)) {
      f.append(lines("x"));
    }
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(inbox())));
  }

  /**
   * Under {@code umask 000} a file created without an explicit mode is 666: a child JVM started by
   * a shell with that umask creates the inbox, and it must still be 600.
   */
  @Test
  void theFileIsMode600UnderUmask000() throws Exception {
    assumeTrue(posix());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path file = dir.resolve("child.jsonl");
    ProcessBuilder pb =
        new ProcessBuilder(
                "sh",
                "-c",
                "umask 000 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"",
                java.toString(),
                System.getProperty("java.class.path"),
                CreateUnderUmask.class.getName(),
                file.toString())
            .redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals("plain file rw-rw-rw-", out.strip(), "the child really runs under umask 000");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  /**
   * The child of {@link #theFileIsMode600UnderUmask000}: shows its umask's effect, then opens an
   * inbox.
   */
  static final class CreateUnderUmask {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      Path plain = file.resolveSibling("plain");
      Files.createFile(plain);
      System.out.println(
          "plain file " + PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
      InboxFile.open(file, 0, NO_ROLL).close();
    }
  }

  @Test
  void belowMinFreeBytesAppendsAreRefusedAndNothingIsWritten() throws Exception {
    try (InboxFile f = InboxFile.open(inbox(), Long.MAX_VALUE, NO_ROLL)) {
      InboxFile.Refused e = assertThrows(InboxFile.Refused.class, () -> f.append(lines("x")));
      assertTrue(e.getMessage().contains("inbox.minFreeBytes"), e.getMessage());
    }
    assertEquals("", content());
  }

  @Test
  void rollsAtMaxFileBytesEveryLineWholeAndOrderKept() throws Exception {
    int maxFileBytes = 1024;
    List<String> sent = new ArrayList<>();
    try (InboxFile f = InboxFile.open(inbox(), 0, maxFileBytes)) {
      for (int i = 0; i < 120; i++) {
        String[] batch = new String[1 + i % 3];
        for (int j = 0; j < batch.length; j++) {
          batch[j] = "message-" + i + "-" + j;
          sent.add(batch[j]);
        }
        f.append(lines(batch));
      }
    }
    List<String> read = new ArrayList<>();
    int n = 1;
    for (Path rolled; Files.exists(rolled = dir.resolve("inbox-" + n + ".jsonl")); n++) {
      read.addAll(wholeLines(rolled, maxFileBytes));
      if (posix()) {
        assertEquals(
            "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rolled)));
      }
    }
    assertTrue(n > 4, "rolled " + (n - 1) + " times");
    read.addAll(wholeLines(inbox(), maxFileBytes));
    assertEquals(sent, read, "every line once, in order across the files");

    // A restarted node numbers on from the highest rolled file: none is ever overwritten.
    try (InboxFile f = InboxFile.open(inbox(), 0, maxFileBytes)) {
      f.append(lines("x".repeat(maxFileBytes - 20)));
    }
    assertTrue(Files.exists(dir.resolve("inbox-" + n + ".jsonl")));
  }

  private static List<String> wholeLines(Path file, int maxBytes) throws IOException {
    String s = Files.readString(file);
    assertTrue(s.length() <= maxBytes, file + " is " + s.length() + " bytes");
    assertTrue(s.endsWith("\n"), file + " ends in a whole line");
    List<String> out = new ArrayList<>();
    for (String line : s.split("\n")) {
      out.add(new JsonObject(line).getString("m"));
    }
    return out;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
