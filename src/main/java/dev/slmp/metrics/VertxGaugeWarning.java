package dev.slmp.metrics;

import java.util.logging.Logger;

/**
 * Drops one known, harmless Micrometer warning: "This Gauge has been already registered
 * (MeterId{name='vertx.eventbus.handlers'…})", logged at a node's start. vertx-micrometer-metrics
 * registers a gauge such as {@code vertx.eventbus.handlers} once per consumer (per socket for the
 * pool gauges) and keeps the value itself, shared by meter id, so the count stays right; Micrometer
 * from 1.13.9 warns about every registration after the first (vert-x3/vertx-micrometer-metrics
 * issue 259, documented upstream as not affecting the data). Only that message about Vert.x's own
 * {@code vertx.*} gauges is dropped; the same warning about any other gauge (SLMP's) still shows.
 */
public final class VertxGaugeWarning {
  /** Micrometer's logger (through java.util.logging when no SLF4J binding is present). */
  public static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";

  // JUL holds loggers weakly: a filter set on one that is collected would be lost.
  private static final Logger MICROMETER = Logger.getLogger(LOGGER);

  private VertxGaugeWarning() {}

  /** Installs the filter on Micrometer's logger (idempotent). */
  public static void quiet() {
    MICROMETER.setFilter(r -> !isVertxGaugeReRegistration(r.getMessage()));
  }

  static boolean isVertxGaugeReRegistration(String message) {
    return message != null
        && message.startsWith("This Gauge has been already registered")
        && message.contains("name='vertx.");
  }
}
