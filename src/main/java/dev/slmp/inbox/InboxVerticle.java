package dev.slmp.inbox;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.DeliverySink;
import dev.slmp.bus.DeliverySinks;
import dev.slmp.bus.DeviceMessage;
import dev.slmp.metrics.SlmpMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in durable inbox: takes this node's messages (as its {@link DeliverySink}, typed, and
 * those applications send to {@code slmp.deliver}) and appends them as JSON lines to {@code
 * <dataDir>/inbox.jsonl}, answering each only after its line is on disk (fsync). One writer on a
 * worker thread appends what is queued; messages that arrive during a write go to disk together in
 * the next one, so one fsync serves a whole batch under load. At most {@code inbox.maxQueue}
 * messages wait: past that a delivery is answered NOT_DELIVERED (the device resends later) instead
 * of a stalled disk filling the heap. What happens under disk faults is {@link InboxFile}'s. It
 * also prints {@code Authenticated message from <device>: <payload>} for every message this node
 * accepted ({@code slmp.in}), escaped ({@link Printable}): a device's bytes never reach the
 * terminal as control sequences.
 */
public final class InboxVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(InboxVerticle.class.getName());

  /**
   * The failure code that the gateway answers with ACK NOT_DELIVERED: not stored, the device may
   * resend.
   */
  static final int FAIL_NOT_DELIVERED = 1;

  private final InboxSettings settings;
  private final PrintStream out;
  private final InboxFile.Opener opener;
  private final SlmpMeters meters;

  /**
   * Why the last batch was not stored, null when it was: the readiness check reports it (written by
   * the writer, read by the check).
   */
  private volatile String lastFailure;

  /** How long one worker task keeps writing before it hands over to a fresh one. */
  static final long WRITER_SLICE_NANOS = 1_000_000_000L;

  /**
   * One message to store: from the node's gateways as its {@link DeliverySink} (typed), or sent to
   * {@code slmp.deliver} by some application (JSON).
   */
  private record Entry(DeviceMessage typed, DeliverySink.Answer answer, Message<JsonObject> sent) {
    void appendJson(Buffer out) {
      if (typed != null) {
        typed.appendJson(out);
      } else {
        out.appendBuffer(sent.body().toBuffer());
      }
    }
  }

  /**
   * Filled on event loops (the gateways', this one's), drained by one writer on a worker thread.
   */
  private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();

  /**
   * Messages in {@link #queue}: counted apart, since a ConcurrentLinkedQueue's size() walks the
   * whole queue.
   */
  private final AtomicInteger queued = new AtomicInteger();

  private final AtomicBoolean writerRunning = new AtomicBoolean();
  private volatile boolean overflowing;
  private final DeliverySink sink = (message, answer) -> take(new Entry(message, answer, null));
  private InboxFile file;
  private io.vertx.core.eventbus.MessageConsumer<JsonObject> deliver;
  private int maxBatch;

  public InboxVerticle(InboxSettings settings) {
    this(settings, SlmpMeters.NOOP);
  }

  /** With what counts its fsyncs and refusals. */
  public InboxVerticle(InboxSettings settings, SlmpMeters meters) {
    this(settings, System.out, FileChannel::open, meters);
  }

  /** With where it prints and how it opens files: tests capture the one and make the other fail. */
  InboxVerticle(InboxSettings settings, PrintStream out, InboxFile.Opener opener) {
    this(settings, out, opener, SlmpMeters.NOOP);
  }

  InboxVerticle(
      InboxSettings settings, PrintStream out, InboxFile.Opener opener, SlmpMeters meters) {
    this.meters = meters;
    this.settings = settings;
    this.out = out;
    this.opener = opener;
  }

  @Override
  public Future<?> start() {
    maxBatch = settings.maxBatch();
    boolean print = settings.print();
    return vertx
        .executeBlocking(
            () ->
                InboxFile.open(
                    settings.file(), settings.minFreeBytes(), settings.maxFileBytes(), opener))
        .compose(
            f -> {
              file = f;
              Future<Void> printing =
                  print
                      ? vertx
                          .eventBus()
                          .<JsonObject>localConsumer(Addresses.IN, m -> printMessage(m.body()))
                          .completion()
                      : Future.succeededFuture();
              Future<Void> health =
                  vertx
                      .eventBus()
                      .<Object>localConsumer(Addresses.INBOX_HEALTH, this::health)
                      .completion();
              // The node's gateways hand messages over typed; slmp.deliver stays for those sent by
              // applications (and for a second node sharing this Vert.x, whose inbox is then not
              // the sink).
              DeliverySinks.register(vertx, sink);
              deliver =
                  vertx
                      .eventBus()
                      .localConsumer(Addresses.DELIVER, m -> take(new Entry(null, null, m)));
              return Future.all(printing, health, deliver.completion());
            });
  }

  private void printMessage(JsonObject body) {
    DeviceMessage m;
    try {
      m = DeviceMessage.fromJson(body);
    } catch (IllegalArgumentException e) {
      out.println(
          "Message on "
              + Addresses.IN
              + " that is not a device message: "
              + Printable.escape(e.getMessage()));
      return;
    }
    out.println(
        "Authenticated message from "
            + Printable.escape(m.device())
            + ": "
            + Printable.escape(new String(m.payload(), StandardCharsets.UTF_8)));
  }

  private void take(Entry msg) {
    if (queued.incrementAndGet() > settings.maxQueue()) {
      queued.decrementAndGet();
      if (!overflowing) {
        overflowing = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "inbox queue full (inbox.maxQueue "
                + settings.maxQueue()
                + " messages waiting for the disk): deliveries are answered NOT_DELIVERED");
      }
      meters.refused(SlmpMeters.Refusal.INBOX_QUEUE_FULL);
      if (msg.answer() != null) {
        msg.answer().notDelivered("inbox queue full");
      } else {
        msg.sent().fail(FAIL_NOT_DELIVERED, "inbox queue full");
      }
      return;
    }
    overflowing = false;
    queue.add(msg);
    if (writerRunning.compareAndSet(false, true)) {
      context.executeBlocking(this::writeBatches, false);
    }
  }

  /**
   * The writer, on a worker thread: takes what is queued (at most {@code inbox.maxBatch}), appends
   * it, fsyncs, hands the answers to the event loop and goes straight on with what arrived
   * meanwhile, so one fsync follows another without a round trip through the event loop. Returns
   * when the queue is empty, or after {@link #WRITER_SLICE_NANOS} (then a fresh task goes on: no
   * worker task runs long enough to look blocked).
   */
  private Void writeBatches() {
    long start = System.nanoTime();
    while (true) {
      List<Entry> batch = new ArrayList<>();
      for (Entry m; batch.size() < maxBatch && (m = queue.poll()) != null; ) {
        batch.add(m);
        queued.decrementAndGet();
      }
      if (batch.isEmpty()) {
        writerRunning.set(false);
        // A message queued after the poll saw the writer running: take it on unless another writer
        // started.
        if (queue.isEmpty() || !writerRunning.compareAndSet(false, true)) {
          return null;
        }
        continue;
      }
      List<Entry> unencodable = new ArrayList<>();
      Buffer lines = encode(batch, unencodable);
      IOException failure = null;
      long t0 = System.nanoTime();
      try {
        append(lines);
        meters.inboxFsync(System.nanoTime() - t0);
      } catch (IOException e) {
        failure = e;
      }
      answer(batch, unencodable, failure);
      if (System.nanoTime() - start > WRITER_SLICE_NANOS) {
        context.executeBlocking(this::writeBatches, false);
        return null;
      }
    }
  }

  /**
   * One JSON line per message; a body JSON cannot encode (sent by some application) moves to {@code
   * unencodable}.
   */
  private static Buffer encode(List<Entry> batch, List<Entry> unencodable) {
    Buffer lines = Buffer.buffer(batch.size() * 256);
    for (Iterator<Entry> it = batch.iterator(); it.hasNext(); ) {
      Entry m = it.next();
      int mark = lines.length();
      try {
        m.appendJson(lines);
        lines.appendByte((byte) '\n');
      } catch (RuntimeException e) {
        lines = lines.getBuffer(0, mark); // drop the part-written line
        it.remove();
        unencodable.add(m);
      }
    }
    return lines;
  }

  private void append(Buffer lines) throws IOException {
    if (lines.length() > 0) {
      file.append(lines.getBytes());
    }
  }

  /**
   * The readiness probe's question: does the inbox accept? No when its queue is full or its last
   * batch was not stored (the answer names why).
   */
  private void health(Message<Object> msg) {
    if (queued.get() >= settings.maxQueue()) {
      msg.fail(FAIL_NOT_DELIVERED, "inbox queue full (inbox.maxQueue)");
    } else if (lastFailure != null) {
      msg.fail(FAIL_NOT_DELIVERED, lastFailure);
    } else {
      msg.reply(null);
    }
  }

  private void answer(List<Entry> batch, List<Entry> unencodable, IOException failure) {
    if (failure == null) {
      lastFailure = null;
    } else if (!batch.isEmpty()) {
      boolean low = failure instanceof InboxFile.Refused;
      lastFailure = low ? failure.getMessage() : "inbox write failed";
      SlmpMeters.Refusal why =
          low ? SlmpMeters.Refusal.INBOX_DISK_LOW : SlmpMeters.Refusal.INBOX_WRITE_FAILED;
      for (int i = 0; i < batch.size(); i++) {
        meters.refused(why); // one per message, like INBOX_QUEUE_FULL
      }
    }
    String why =
        failure == null
            ? null
            : failure instanceof InboxFile.Refused ? failure.getMessage() : "inbox write failed";
    // The gateways' answers hop to their own event loops; replies to slmp.deliver go from this
    // verticle's.
    for (Entry m : unencodable) {
      if (m.answer() != null) {
        m.answer().rejected("body cannot be written as JSON");
      }
    }
    for (Entry m : batch) {
      if (m.answer() == null) {
        continue;
      }
      if (failure == null) {
        m.answer().accepted();
      } else {
        // Not on disk: the device is told NOT_DELIVERED and will resend. InboxFile logged the
        // cause, once.
        m.answer().notDelivered(why);
      }
    }
    context.runOnContext(
        v -> {
          for (Entry m : unencodable) {
            if (m.sent() != null) {
              m.sent().fail(Addresses.FAIL_REJECTED, "body cannot be written as JSON");
            }
          }
          for (Entry m : batch) {
            if (m.sent() == null) {
              continue;
            }
            if (failure == null) {
              // Any reply means ACCEPTED (docs/event-bus.md); an empty one costs no body copy.
              m.sent().reply(null);
            } else {
              m.sent().fail(FAIL_NOT_DELIVERED, why);
            }
          }
        });
  }

  /**
   * Flushes before it closes: takes no more deliveries, lets the writer store and answer what is
   * queued (at most {@link #FLUSH_MS}), then closes the file.
   */
  @Override
  public Future<?> stop() {
    if (file == null) {
      return Future.succeededFuture();
    }
    DeliverySinks.unregister(vertx, sink);
    Future<Void> unregistered = deliver == null ? Future.succeededFuture() : deliver.unregister();
    return unregistered
        .recover(e -> Future.succeededFuture())
        .compose(v -> flushed(System.currentTimeMillis() + FLUSH_MS))
        .compose(
            v ->
                vertx.executeBlocking(
                    () -> {
                      file.close();
                      return null;
                    }));
  }

  static final long FLUSH_MS = 5000;

  private Future<Void> flushed(long deadline) {
    if ((queued.get() == 0 && !writerRunning.get()) || System.currentTimeMillis() > deadline) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(10, id -> flushed(deadline).onComplete(p));
    return p.future();
  }
}
