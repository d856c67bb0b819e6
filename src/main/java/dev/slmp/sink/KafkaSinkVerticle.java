package dev.slmp.sink;

import dev.slmp.bus.Addresses;
import dev.slmp.bus.DeviceMessage;
import dev.slmp.metrics.SlmpMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The Kafka sink: takes this node's {@code slmp.deliver} messages and produces each to {@code
 * kafka.topic} (key: the device id, so one device's messages share a partition and keep their
 * order; value: the payload bytes; the rest of the message as headers, {@code docs/event-bus.md}).
 * A delivery is answered only once the broker acknowledged the record ({@code acks=all}, idempotent
 * producer): then the device hears ACCEPTED. A failure, or no acknowledgement within {@code
 * kafka.timeoutMs}, answers NOT_DELIVERED and the device resends; a record the producer still
 * delivers after that is a duplicate, never a loss. A periodic probe (the cluster's description,
 * through Kafka's admin client on a worker thread) tells the readiness check whether the cluster is
 * reachable ({@link Addresses#SINK_HEALTH}).
 */
public final class KafkaSinkVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(KafkaSinkVerticle.class.getName());

  /** The failure code for NOT_DELIVERED (any code but FAIL_REJECTED). */
  static final int FAIL_NOT_DELIVERED = 1;

  /**
   * Records waiting for the broker at most; more are answered NOT_DELIVERED at once (a cluster that
   * is away must not fill the heap). The producer's own buffer ({@code buffer.memory}) bounds their
   * bytes.
   */
  static final int MAX_PENDING = 20_000;

  /** How often the probe asks the cluster to describe itself. */
  static final long PROBE_EVERY_MS = 1000;

  private final KafkaSettings settings;
  private final SlmpMeters meters;
  private KafkaProducer<String, Buffer> producer;
  private Admin admin;
  private int pending;
  private long probeTimer;
  private boolean probing;

  /** Why the cluster counts as unreachable, null while it is reachable. */
  private String down = "not probed yet";

  /** Why the last record failed, null once one succeeded since. */
  private String lastFailure;

  /** Whether a record failed since the running probe began (then its success does not clear it). */
  private boolean failedDuringProbe;

  public KafkaSinkVerticle(KafkaSettings settings, SlmpMeters meters) {
    this.settings = settings;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(
            () -> {
              // the admin client resolves and checks its config here: on a worker thread
              Map<String, String> adminConfig = settings.common("probe");
              admin = Admin.create(Map.copyOf(adminConfig));
              return null;
            })
        .compose(
            v -> {
              producer = KafkaProducer.create(vertx, settings.producer("sink"));
              producer.exceptionHandler(
                  e -> {}); // each send's failure is answered where it is sent
              probeTimer = vertx.setPeriodic(1, PROBE_EVERY_MS, id -> probe());
              return Future.all(
                  vertx
                      .eventBus()
                      .<Object>localConsumer(Addresses.SINK_HEALTH, this::health)
                      .completion(),
                  vertx
                      .eventBus()
                      .<JsonObject>localConsumer(Addresses.DELIVER, this::take)
                      .completion());
            });
  }

  private void take(Message<JsonObject> msg) {
    DeviceMessage m;
    try {
      m = DeviceMessage.of(msg.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      // Sent by some application, not by a gateway: it will not get better by resending.
      msg.fail(Addresses.FAIL_REJECTED, e.getMessage());
      return;
    }
    if (pending >= MAX_PENDING) {
      meters.sinkFailed();
      msg.fail(FAIL_NOT_DELIVERED, "kafka: too many records waiting for the broker");
      return;
    }
    pending++;
    long t0 = System.nanoTime();
    producer
        .send(record(settings.topic(), m))
        .timeout(settings.timeoutMs() + 1000L, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              pending--;
              if (ar.succeeded()) {
                lastFailure = null;
                meters.sinkSent(System.nanoTime() - t0);
                // Any reply means ACCEPTED (docs/event-bus.md).
                msg.reply(null);
              } else {
                meters.sinkFailed();
                String why = "kafka: " + ar.cause().getClass().getSimpleName();
                if (lastFailure == null) {
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "a record was not acknowledged by Kafka ("
                          + ar.cause().getMessage()
                          + "): devices are told NOT_DELIVERED until one is");
                }
                lastFailure = why;
                failedDuringProbe = true;
                msg.fail(FAIL_NOT_DELIVERED, why);
              }
            });
  }

  /**
   * The record of one device message: key the device id, value the payload, every other field a
   * header in UTF-8 text ({@code seq}, {@code receivedAt} in decimal, {@code early} true|false;
   * {@code session} only when the message has one).
   */
  static KafkaProducerRecord<String, Buffer> record(String topic, DeviceMessage m) {
    KafkaProducerRecord<String, Buffer> r =
        KafkaProducerRecord.create(topic, m.device(), Buffer.buffer(m.payload()));
    r.addHeader("device", text(m.device()))
        .addHeader("topic", text(m.topic()))
        .addHeader("seq", text(Long.toString(m.seq())));
    if (m.session() != null) {
      r.addHeader("session", text(m.session()));
    }
    if (m.node() != null) {
      r.addHeader("node", text(m.node()));
    }
    r.addHeader("receivedAt", text(Long.toString(m.receivedAt())))
        .addHeader("early", text(Boolean.toString(m.early())));
    return r;
  }

  private static Buffer text(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Asks the cluster to describe itself; no answer within the time is DOWN. */
  private void probe() {
    if (probing) {
      return;
    }
    probing = true;
    failedDuringProbe = false;
    int wait = (int) Math.min(settings.timeoutMs(), 2 * PROBE_EVERY_MS);
    vertx
        .executeBlocking(
            () ->
                admin
                    .describeCluster(new DescribeClusterOptions().timeoutMs(wait))
                    .nodes()
                    .get(wait + 500L, TimeUnit.MILLISECONDS)
                    .size(),
            false)
        .onComplete(
            ar -> {
              probing = false;
              String was = down;
              if (ar.succeeded() && ar.result() > 0) {
                down = null;
                if (!failedDuringProbe) {
                  lastFailure = null; // reachable again and nothing failed meanwhile
                }
                if (was != null) {
                  LOG.log(
                      System.Logger.Level.INFO,
                      "Kafka at " + settings.bootstrapServers() + " is reachable");
                }
              } else {
                down = "Kafka at " + settings.bootstrapServers() + " is not reachable";
                if (was == null) {
                  LOG.log(System.Logger.Level.WARNING, down + ": readiness DOWN");
                }
              }
            });
  }

  /**
   * The readiness check's question: is the cluster reachable and were the last records
   * acknowledged? An empty reply when so, else failure 1 and why.
   */
  private void health(Message<Object> msg) {
    if (down != null) {
      msg.fail(FAIL_NOT_DELIVERED, down);
    } else if (lastFailure != null) {
      msg.fail(FAIL_NOT_DELIVERED, "the last record failed (" + lastFailure + ")");
    } else if (pending >= MAX_PENDING) {
      msg.fail(FAIL_NOT_DELIVERED, "too many records waiting for the broker");
    } else {
      msg.reply(null);
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(probeTimer);
    Future<Void> closed = producer == null ? Future.succeededFuture() : producer.close(2000);
    return closed.eventually(
        () ->
            vertx.executeBlocking(
                () -> {
                  if (admin != null) {
                    admin.close(java.time.Duration.ofSeconds(2));
                  }
                  return null;
                }));
  }
}
