package dev.slmp.metrics;

import dev.slmp.crypto.Suite;
import dev.slmp.downlink.Outcome;
import dev.slmp.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link SlmpMeters} on a Micrometer registry. Every label combination is registered up front and
 * kept in an array indexed by enum ordinals, so counting is an array read and an atomic add: no map
 * lookup, no tag object, no allocation per event (the budget is 2 % of the hot path).
 * Prometheus names: {@code slmp_handshakes_total}, {@code slmp_closes_total}, {@code
 * slmp_messages_total}, {@code slmp_refusals_total}, {@code slmp_delivery_seconds}, {@code
 * slmp_inbox_fsync_seconds}, {@code slmp_sink_sent_total}, {@code slmp_sink_failed_total}, {@code
 * slmp_sink_latency_seconds}, {@code slmp_commands_total} (by outcome), {@code
 * slmp_commands_queued_total}, {@code slmp_commands_refused_total}, and the gauges {@code
 * slmp_connections}, {@code slmp_sessions} and {@code slmp_command_queues}.
 */
public final class MicrometerSlmpMeters implements SlmpMeters {
  private static final CloseCode[] CODES = CloseCode.values();
  private static final Suite[] SUITES = Suite.values();

  /** [suite ordinal, or SUITES.length when unknown][resumed 0/1][CODES.length = ok, else code]. */
  private final Counter[][][] handshakes;

  private final Counter[] closes;
  private final Counter[] messages;
  private final Counter[] refusals;
  private final Timer delivery;
  private final Timer fsync;
  private final Timer sinkLatency;
  private final Counter sinkSent;
  private final Counter sinkFailed;
  private final MeterRegistry registry;
  private final Counter[] commands;
  private final Counter commandsQueued;
  private final Counter commandsRefused;

  /**
   * Registers SLMP's meters on {@code registry}; {@code openConnections} and {@code sessions} are
   * read when scraped.
   */
  public MicrometerSlmpMeters(
      MeterRegistry registry, Supplier<Number> openConnections, Supplier<Number> sessions) {
    this.registry = registry;
    handshakes = new Counter[SUITES.length + 1][2][CODES.length + 1];
    for (int s = 0; s <= SUITES.length; s++) {
      String suite = s == SUITES.length ? "unknown" : SUITES[s].name();
      for (int r = 0; r < 2; r++) {
        for (int o = 0; o <= CODES.length; o++) {
          handshakes[s][r][o] =
              Counter.builder("slmp.handshakes")
                  .description(
                      "handshakes by suite, kind (full|resumed) and outcome (ok or the CLOSE code)")
                  .tag("suite", suite)
                  .tag("kind", r == 1 ? "resumed" : "full")
                  .tag("outcome", o == CODES.length ? "ok" : CODES[o].name())
                  .register(registry);
        }
      }
    }
    closes = new Counter[CODES.length];
    for (CloseCode c : CODES) {
      closes[c.ordinal()] =
          Counter.builder("slmp.closes")
              .description("connections ended, by CLOSE code (sent by either side)")
              .tag("code", c.name())
              .register(registry);
    }
    messages = new Counter[MessageOutcome.values().length];
    for (MessageOutcome m : MessageOutcome.values()) {
      messages[m.ordinal()] =
          Counter.builder("slmp.messages")
              .description("DATA from devices, by outcome")
              .tag("outcome", m.label())
              .register(registry);
    }
    refusals = new Counter[Refusal.values().length];
    for (Refusal r : Refusal.values()) {
      refusals[r.ordinal()] =
          Counter.builder("slmp.refusals")
              .description("connections or messages turned away, by the limit that did it")
              .tag("reason", r.label())
              .register(registry);
    }
    delivery =
        Timer.builder("slmp.delivery")
            .description("from a DATA read to its ACK handed to the socket")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    fsync =
        Timer.builder("slmp.inbox.fsync")
            .description("one inbox batch: write and fsync")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    sinkSent =
        Counter.builder("slmp.sink.sent")
            .description("records the Kafka sink had acknowledged by the broker")
            .register(registry);
    sinkFailed =
        Counter.builder("slmp.sink.failed")
            .description("records the Kafka sink could not hand over in time (NOT_DELIVERED)")
            .register(registry);
    sinkLatency =
        Timer.builder("slmp.sink.latency")
            .description("from a record sent to Kafka to the broker's acknowledgement")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    commands = new Counter[Outcome.values().length];
    for (Outcome o : Outcome.values()) {
      commands[o.ordinal()] =
          Counter.builder("slmp.commands")
              .description("queued commands by outcome (the receipts published)")
              .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry);
    }
    commandsQueued =
        Counter.builder("slmp.commands.queued")
            .description("commands queued for devices")
            .register(registry);
    commandsRefused =
        Counter.builder("slmp.commands.refused")
            .description("enqueues refused by queue.maxPerDevice or queue.maxDevices")
            .register(registry);
    Gauge.builder("slmp.connections", openConnections)
        .description("open device connections (handshaking included)")
        .register(registry);
    Gauge.builder("slmp.sessions", sessions)
        .description("resumable sessions in the session store (the cluster's, when clustered)")
        .register(registry);
  }

  @Override
  public void handshake(Suite suite, boolean resumed, CloseCode failure) {
    handshakes[suite == null ? SUITES.length : suite.ordinal()][resumed ? 1 : 0][
        failure == null ? CODES.length : failure.ordinal()]
        .increment();
  }

  @Override
  public void closed(CloseCode code) {
    closes[code.ordinal()].increment();
  }

  @Override
  public void message(MessageOutcome outcome) {
    messages[outcome.ordinal()].increment();
  }

  @Override
  public void delivery(long nanos) {
    delivery.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void inboxFsync(long nanos) {
    fsync.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Adds the gauge {@code slmp_command_queues}: devices with queued commands in this node's store
   * (on a cluster, the queues this member owns), read when scraped.
   */
  public void commandQueues(Supplier<Number> queues) {
    Gauge.builder("slmp.command.queues", queues)
        .description("devices with queued commands (on a cluster: the queues this member owns)")
        .register(registry);
  }

  @Override
  public void commandQueued() {
    commandsQueued.increment();
  }

  @Override
  public void commandRefused() {
    commandsRefused.increment();
  }

  @Override
  public void command(Outcome outcome) {
    commands[outcome.ordinal()].increment();
  }

  @Override
  public void sinkSent(long nanos) {
    sinkSent.increment();
    sinkLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void sinkFailed() {
    sinkFailed.increment();
  }

  @Override
  public void refused(Refusal reason) {
    refusals[reason.ordinal()].increment();
  }
}
