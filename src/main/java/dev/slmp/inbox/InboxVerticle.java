package dev.slmp.inbox;

import dev.slmp.bus.Addresses;
import dev.slmp.node.NodeServices;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The built-in durable inbox: takes {@code slmp.deliver} messages of this node and appends them as JSON
 * lines to {@code <dataDir>/inbox.jsonl}, answering each only after its line is on disk (fsync). Messages
 * that arrive during a write wait and go to disk together in the next one, so one fsync serves a whole
 * batch under load. It also prints {@code Authenticated message from <device>: <payload>} for every message
 * this node accepted ({@code slmp.in}).
 */
public final class InboxVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(InboxVerticle.class.getName());
  private final NodeServices services;
  private final List<Message<JsonObject>> waiting = new ArrayList<>();
  private FileChannel file;
  private boolean writing;
  private int maxBatch;

  public InboxVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Path path = services.data().dir().resolve(services.config().string("inbox.file"));
    maxBatch = services.config().integer("inbox.maxBatch");
    boolean print = services.config().bool("inbox.print");
    return vertx.executeBlocking(() -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND))
        .compose(ch -> {
          file = ch;
          Future<Void> printing = print
              ? vertx.eventBus().<JsonObject>localConsumer(Addresses.IN, m -> printMessage(m.body())).completion()
              : Future.succeededFuture();
          return Future.all(printing, vertx.eventBus().<JsonObject>localConsumer(Addresses.DELIVER, this::take).completion());
        });
  }

  private static void printMessage(JsonObject m) {
    String text;
    try {
      text = new String(Base64.getDecoder().decode(m.getString("payload", "")), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      text = "(payload not base64)";
    }
    System.out.println("Authenticated message from " + m.getString("device") + ": " + text);
  }

  private void take(Message<JsonObject> msg) {
    waiting.add(msg);
    if (!writing) {
      flush();
    }
  }

  private void flush() {
    List<Message<JsonObject>> batch = new ArrayList<>(waiting.subList(0, Math.min(maxBatch, waiting.size())));
    waiting.subList(0, batch.size()).clear();
    writing = true;
    // Encoding happens on the worker too: the bodies are this consumer's own (handed over or copied by the event bus)
    // and nothing touches them until the replies, so the event loop goes on serving devices meanwhile.
    vertx.executeBlocking(() -> {
      Buffer lines = Buffer.buffer(batch.size() * 256);
      for (Message<JsonObject> m : batch) {
        lines.appendBuffer(m.body().toBuffer()).appendByte((byte) '\n');
      }
      ByteBuffer bytes = ByteBuffer.wrap(lines.getBytes());
      while (bytes.hasRemaining()) {
        file.write(bytes);
      }
      file.force(false);
      return null;
    }).onComplete(ar -> {
      writing = false;
      if (ar.succeeded()) {
        // Any reply means ACCEPTED (docs/event-bus.md); an empty one costs no body copy.
        batch.forEach(m -> m.reply(null));
      } else {
        // Not on disk: the device is told NOT_DELIVERED and will resend.
        LOG.log(System.Logger.Level.ERROR, "inbox write failed: " + ar.cause().getMessage());
        batch.forEach(m -> m.fail(1, "inbox write failed"));
      }
      if (!waiting.isEmpty()) {
        flush();
      }
    });
  }

  @Override
  public Future<?> stop() {
    return file == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      file.close();
      return null;
    });
  }
}
