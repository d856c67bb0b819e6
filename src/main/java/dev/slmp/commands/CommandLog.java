package dev.slmp.commands;

import dev.slmp.datadir.Fsync;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The standalone node's command queue on disk ({@code <dataDir>/commands.jsonl}, mode 600): an
 * append-only log of JSON lines, one per change, written and fsynced on one thread of its own in
 * the order the changes were made (group commit: lines that wait while an fsync runs go in the
 * next). Read back at start, where a torn or unreadable line (a crash mid-write) is skipped and
 * logged, then compacted: rewritten with only what is still queued, to a new file fsynced and
 * renamed over the old one.
 */
final class CommandLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CommandLog.class.getName());
  static final String FILE = "commands.jsonl";

  private final Path file;
  private final ExecutorService writer;
  private FileChannel channel;
  private final List<Pending> waiting = new ArrayList<>();
  private boolean flushing;
  private long lines;

  /** A line to append, or (line null) a compaction to the lines of {@code live}. */
  private record Pending(byte[] line, List<JsonObject> live, CompletableFuture<Void> done) {}

  private CommandLog(Path file) {
    this.file = file;
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "slmp-commands-log");
              t.setDaemon(true);
              return t;
            });
  }

  /** Every readable line of the file, in order (blocking: call on a worker). */
  static List<JsonObject> read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    List<JsonObject> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    String all = Files.readString(f, StandardCharsets.UTF_8);
    int start = 0;
    int skipped = 0;
    while (start < all.length()) {
      int nl = all.indexOf('\n', start);
      if (nl < 0) {
        skipped++; // a torn last line: its change was never answered
        break;
      }
      String line = all.substring(start, nl);
      start = nl + 1;
      try {
        out.add(new JsonObject(line));
      } catch (RuntimeException e) {
        skipped++;
      }
    }
    if (skipped > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          f + ": skipped " + skipped + " torn or unreadable line(s) (a crash while writing)");
    }
    return out;
  }

  /**
   * Writes {@code live} (the lines of what is still queued) as the new file and opens it for
   * appending (blocking).
   */
  static CommandLog compactAndOpen(Path dir, List<JsonObject> live) throws IOException {
    Path f = rewrite(dir, live);
    CommandLog log = new CommandLog(f);
    log.channel = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    log.lines = live.size();
    return log;
  }

  private static Path rewrite(Path dir, List<JsonObject> live) throws IOException {
    Path f = dir.resolve(FILE);
    Path tmp = dir.resolve(FILE + ".tmp");
    StringBuilder sb = new StringBuilder();
    for (JsonObject j : live) {
      sb.append(j.encode()).append('\n');
    }
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(dir);
    return f;
  }

  /**
   * Appends {@code line}; completes once it is fsynced. Called under the store's lock, so lines
   * reach the file in the order of the changes they record.
   */
  CompletableFuture<Void> append(JsonObject line) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    byte[] bytes = (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (waiting) {
      waiting.add(new Pending(bytes, null, done));
      startFlush();
    }
    return done;
  }

  /**
   * Rewrites the file with {@code live}, in its place among the appends: lines appended before this
   * call are in {@code live} (the caller holds the store's lock), those after it follow.
   */
  void compact(List<JsonObject> live) {
    synchronized (waiting) {
      waiting.add(new Pending(null, live, new CompletableFuture<>()));
      startFlush();
    }
  }

  private void startFlush() {
    if (!flushing) {
      flushing = true;
      writer.execute(this::flush);
    }
  }

  /** Lines written since the last compaction. */
  long lines() {
    return lines;
  }

  private void flush() {
    while (true) {
      List<Pending> batch;
      synchronized (waiting) {
        if (waiting.isEmpty()) {
          flushing = false;
          return;
        }
        batch = new ArrayList<>(waiting);
        waiting.clear();
      }
      try {
        for (Pending p : batch) {
          if (p.line == null) {
            channel.force(false);
            channel.close();
            rewrite(file.getParent(), p.live);
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            lines = p.live.size();
            continue;
          }
          ByteBuffer b = ByteBuffer.wrap(p.line);
          while (b.hasRemaining()) {
            channel.write(b);
          }
          lines++;
        }
        channel.force(false);
        batch.forEach(p -> p.done.complete(null));
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, file + ": write failed: " + e.getMessage());
        batch.forEach(p -> p.done.completeExceptionally(e));
      }
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      channel.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, file + ": close failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
