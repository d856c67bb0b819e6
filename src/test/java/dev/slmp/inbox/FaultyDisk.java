package dev.slmp.inbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link InboxFile.Opener} over the real file system whose channels fail on demand: a write that
 * puts the first {@code n} bytes on disk for real and then throws, fsyncs that throw, a write that
 * waits for a latch. No mocking: every byte that "got through" is in the file.
 */
final class FaultyDisk implements InboxFile.Opener {
  /** Bytes the next write puts on disk before it throws; -1: no fault. */
  final AtomicLong failWriteAfter = new AtomicLong(-1);

  /** How many of the next fsyncs (on any channel, the test write's included) throw. */
  final AtomicInteger failForces = new AtomicInteger();

  /** When set, a write waits for it (after counting {@link #writesEntered}). */
  volatile CountDownLatch writeGate;

  final CountDownLatch writesEntered = new CountDownLatch(1);
  final List<Channel> opened = new ArrayList<>();

  @Override
  public synchronized FileChannel open(Path file, OpenOption... options) throws IOException {
    Channel c = new Channel(FileChannel.open(file, options), file);
    opened.add(c);
    return c;
  }

  synchronized List<Channel> opened() {
    return List.copyOf(opened);
  }

  final class Channel extends FileChannel {
    private final FileChannel real;
    final Path file;
    final AtomicInteger forces = new AtomicInteger();

    Channel(FileChannel real, Path file) {
      this.real = real;
      this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      CountDownLatch gate = writeGate;
      if (gate != null) {
        writesEntered.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
      long after = failWriteAfter.getAndSet(-1);
      if (after >= 0) {
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) Math.min(after, part.remaining()));
        while (part.hasRemaining()) {
          real.write(part);
        }
        throw new IOException("injected: device full after " + after + " bytes");
      }
      return real.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      forces.incrementAndGet();
      if (failForces.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("injected: fsync failed (EIO)");
      }
      real.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      throw new UnsupportedOperationException("the inbox writes one buffer at a time");
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      throw new UnsupportedOperationException("the inbox only appends");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
