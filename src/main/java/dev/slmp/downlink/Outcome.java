package dev.slmp.downlink;

/**
 * What became of a queued command: the {@code outcome} of its receipt on {@code slmp.out.receipt}.
 */
public enum Outcome {
  /** Written to the device, which was not asked for an ACK. */
  DELIVERED,
  /** The device acknowledged it ACCEPTED. */
  ACCEPTED,
  /** The device acknowledged it REJECTED: it will not be sent again. */
  REJECTED,
  /** Its time to live ran out before the device took it. */
  EXPIRED,
  /** Cancelled through the admin API (or the event bus) before the device took it. */
  CANCELLED
}
