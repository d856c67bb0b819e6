package dev.slmp.metrics;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;

/**
 * What the gateway and the inbox count, with no metrics library in sight (the Hono pattern: a
 * {@code …Metrics} interface, a {@link #NOOP}, and one Micrometer implementation). Every method is
 * called on the hot path, so implementations must not allocate or look anything up per call: the
 * Micrometer one resolves each label set to its counter once, at construction.
 */
public interface SlmpMeters {
  /** Why a connection or a message was turned away: the label {@code reason} of refusals. */
  enum Refusal {
    /** The source failed authentication too often ({@code limits.failedAuth*}). */
    FAILED_AUTH_BLOCKED,
    /** {@code limits.maxConnections} reached. */
    MAX_CONNECTIONS,
    /** {@code limits.maxHandshakes} reached. */
    MAX_HANDSHAKES,
    /** {@code limits.handshakesPerSource} or {@code limits.helloRatePerSource} of one source. */
    PER_SOURCE,
    /** A connection stopped being read: {@code limits.maxInflightPerConnection} reached. */
    INFLIGHT_PAUSE,
    /** {@code inbox.maxQueue} messages already wait for the disk: NOT_DELIVERED. */
    INBOX_QUEUE_FULL,
    /** Less than {@code inbox.minFreeBytes} free: NOT_DELIVERED. */
    INBOX_DISK_LOW,
    /** The inbox could not write or fsync: NOT_DELIVERED. */
    INBOX_WRITE_FAILED;

    /** The Prometheus label value. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What became of one DATA from a device: the label {@code outcome} of messages. */
  enum MessageOutcome {
    ACCEPTED,
    REJECTED,
    NOT_DELIVERED,
    /** The device did not ask for an ACK (published, nobody answers for it). */
    NO_ACK;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A handshake ended: {@code failure} null when it succeeded, else the CLOSE code that ended it;
   * {@code suite} null when the node never learnt it (the connection ended before a valid HELLO).
   */
  void handshake(Suite suite, boolean resumed, CloseCode failure);

  /** A connection ended with (or was refused by) {@code code}, sent by either side. */
  void closed(CloseCode code);

  void message(MessageOutcome outcome);

  /** From a DATA read to its ACK handed to the socket. */
  void delivery(long nanos);

  /** One inbox batch: write and fsync. */
  void inboxFsync(long nanos);

  void refused(Refusal reason);

  /** The Kafka sink's record was acknowledged by the broker, {@code nanos} after it was sent. */
  default void sinkSent(long nanos) {}

  /** The Kafka sink's record failed or was not acknowledged in time: NOT_DELIVERED. */
  default void sinkFailed() {}

  /** A command was queued for a device. */
  default void commandQueued() {}

  /** An enqueue was refused by a bound ({@code queue.maxPerDevice}, {@code queue.maxDevices}). */
  default void commandRefused() {}

  /** A queued command's outcome (a receipt was published). */
  default void command(dev.slmp.downlink.Outcome outcome) {}

  /** Counts nothing: for tests and embedding without metrics. */
  SlmpMeters NOOP =
      new SlmpMeters() {
        @Override
        public void handshake(Suite suite, boolean resumed, CloseCode failure) {}

        @Override
        public void closed(CloseCode code) {}

        @Override
        public void message(MessageOutcome outcome) {}

        @Override
        public void delivery(long nanos) {}

        @Override
        public void inboxFsync(long nanos) {}

        @Override
        public void refused(Refusal reason) {}
      };
}
