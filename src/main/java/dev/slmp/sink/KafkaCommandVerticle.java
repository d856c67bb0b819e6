package dev.slmp.sink;

import dev.slmp.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commands from Kafka: records on {@code kafka.commandTopic} (key: device id, value: payload,
 * headers {@code topic}, {@code ack}, {@code ttl}) are enqueued with the downlink queue ({@link
 * Addresses#COMMANDS}) in order, and their offsets committed once the queue took them: a node that
 * dies before the commit leaves them to the next consumer of the group (at least once; the command
 * id {@code kafka-<partition>-<offset>} lets the queue recognise a repeat). While the queue does
 * not answer, the same records are tried again a second later. A record the queue or this verticle
 * refuses (no key, no topic header, a bad {@code ack} or {@code ttl}) is skipped, logged, and
 * reported on the receipt topic with outcome {@code invalid}. The queue's receipts ({@link
 * Addresses#RECEIPTS}, published where the command ended) are produced to {@code
 * kafka.receiptTopic}, keyed by device.
 */
public final class KafkaCommandVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(KafkaCommandVerticle.class.getName());

  static final long RETRY_MS = 1000;
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaSettings settings;
  private final AtomicLong invalid = new AtomicLong();
  private KafkaConsumer<String, Buffer> consumer;
  private KafkaProducer<String, Buffer> receipts;
  private volatile boolean stopped;

  public KafkaCommandVerticle(KafkaSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    Future<Void> receiving = Future.succeededFuture();
    if (!settings.receiptTopic().isEmpty()) {
      receipts = KafkaProducer.create(vertx, settings.producer("receipts"));
      receipts.exceptionHandler(e -> {}); // each send's failure is logged where it is sent
      receiving =
          vertx.eventBus().<Object>localConsumer(Addresses.RECEIPT, this::receipt).completion();
    }
    if (settings.commandTopic().isEmpty()) {
      return receiving;
    }
    consumer = KafkaConsumer.create(vertx, settings.consumer());
    consumer.exceptionHandler(
        e -> LOG.log(System.Logger.Level.WARNING, "command consumer: " + e.getMessage()));
    return receiving.compose(
        v ->
            consumer
                .subscribe(settings.commandTopic())
                .onSuccess(s -> vertx.runOnContext(x -> poll())));
  }

  private void poll() {
    if (stopped) {
      return;
    }
    consumer
        .poll(POLL)
        .compose(this::enqueueAll)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "reading " + settings.commandTopic() + " failed: " + ar.cause().getMessage());
              }
              if (ar.failed() || Boolean.FALSE.equals(ar.result())) {
                vertx.setTimer(RETRY_MS, t -> poll());
              } else {
                poll();
              }
            });
  }

  /**
   * Enqueues the records one after another; true when all were done with, false when the queue did
   * not answer (then each partition is rewound to its first record not done, to try again).
   */
  private Future<Boolean> enqueueAll(KafkaConsumerRecords<String, Buffer> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture(true);
    }
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    Set<TopicPartition> rewound = new HashSet<>();
    Future<Boolean> chain = Future.succeededFuture(true);
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, Buffer> r = records.recordAt(i);
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      chain =
          chain.compose(
              goOn -> {
                if (!goOn) {
                  // Not done: its partition restarts at its first record not done.
                  return rewound.add(tp)
                      ? consumer.seek(tp, r.offset()).map(false)
                      : Future.succeededFuture(false);
                }
                return enqueue(r)
                    .compose(
                        taken -> {
                          if (taken) {
                            done.put(tp, new OffsetAndMetadata(r.offset() + 1, ""));
                            return Future.succeededFuture(true);
                          }
                          rewound.add(tp);
                          return consumer.seek(tp, r.offset()).map(false);
                        });
              });
    }
    return chain.compose(
        allTaken ->
            done.isEmpty()
                ? Future.succeededFuture(allTaken)
                : consumer.commit(done).map(allTaken).otherwise(allTaken));
  }

  /**
   * One record to the queue: true when it is done with (queued, or refused for good), false when
   * the queue did not answer and the record must be tried again.
   */
  private Future<Boolean> enqueue(KafkaConsumerRecord<String, Buffer> r) {
    String id = "kafka-" + r.partition() + "-" + r.offset();
    JsonObject command;
    try {
      command = CommandRecords.command(id, r.key(), r.value(), r.headers());
    } catch (IllegalArgumentException e) {
      refused(id, r.key(), "invalid", e.getMessage());
      return Future.succeededFuture(true);
    }
    return vertx
        .eventBus()
        .request(
            Addresses.COMMANDS, command, new DeliveryOptions().setSendTimeout(settings.timeoutMs()))
        .map(true)
        .recover(
            e -> {
              if (e instanceof ReplyException re
                  && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                // The queue read it and said no: trying again would get the same answer.
                refused(id, r.key(), "refused", re.getMessage());
                return Future.succeededFuture(true);
              }
              return Future.succeededFuture(false);
            });
  }

  private void refused(String id, String device, String outcome, String why) {
    long n = invalid.incrementAndGet();
    if (Long.bitCount(n) == 1) {
      LOG.log(
          System.Logger.Level.WARNING,
          "skipped a record of "
              + settings.commandTopic()
              + " ("
              + outcome
              + ": "
              + why
              + "; "
              + n
              + " so far)");
    }
    if (receipts != null) {
      JsonObject receipt =
          new JsonObject()
              .put("id", id)
              .put("device", device)
              .put("outcome", outcome)
              .put("reason", why)
              .put("at", System.currentTimeMillis());
      produceReceipt(device, receipt);
    }
  }

  private void receipt(Message<Object> m) {
    if (!(m.body() instanceof JsonObject body) || !(body.getValue("device") instanceof String d)) {
      return; // not a receipt: nothing to key it by
    }
    produceReceipt(d, body);
  }

  private void produceReceipt(String device, JsonObject receipt) {
    receipts
        .send(KafkaProducerRecord.create(settings.receiptTopic(), device, receipt.toBuffer()))
        .onFailure(
            e ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "a receipt was not produced to "
                        + settings.receiptTopic()
                        + ": "
                        + e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.close();
    Future<Void> p = receipts == null ? Future.succeededFuture() : receipts.close(2000);
    return Future.join(c, p);
  }
}
