package dev.slmp.metrics;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The gauge warning at a node's start: a metered Vert.x with two consumers logs Micrometer's
 * "already registered" about {@code vertx.eventbus.handlers} without the filter, not with it, while
 * the handler count stays right and the warning about any other gauge still passes.
 */
class VertxGaugeWarningTest {
  /** Micrometer warns once per JVM, then logs at debug (JUL FINE): capture every level. */
  private static List<String> capture(Logger logger) {
    List<String> lines = new CopyOnWriteArrayList<>();
    logger.setLevel(Level.ALL);
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            lines.add(r.getMessage()); // the logger's filter ran before
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    return lines;
  }

  private static void twoConsumers(PrometheusMeterRegistry registry) {
    Vertx v =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    try {
      await(v.eventBus().consumer("a", m -> {}).completion());
      await(v.eventBus().consumer("b", m -> {}).completion());
      assertEquals(2.0, registry.get("vertx.eventbus.handlers").gauge().value(), "still counted");
    } finally {
      await(v.close());
    }
  }

  @Test
  void theVertxGaugeReRegistrationIsDroppedOthersPass() {
    Logger logger = Logger.getLogger(VertxGaugeWarning.LOGGER);
    Level level = logger.getLevel();
    List<String> lines = capture(logger);
    try {
      logger.setFilter(null);
      twoConsumers(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("vertx.eventbus.handlers")),
          "without the filter Micrometer logs it: " + lines);

      lines.clear();
      VertxGaugeWarning.quiet();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      twoConsumers(registry);
      assertTrue(lines.stream().noneMatch(l -> l.contains("name='vertx.")), lines.toString());

      Gauge.builder("slmp.test", () -> 1).register(registry);
      Gauge.builder("slmp.test", () -> 2).register(registry);
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("name='slmp.test'")),
          "another gauge's warning passes: " + lines);
    } finally {
      logger.setFilter(null);
      logger.setLevel(level);
      for (Handler h : logger.getHandlers()) {
        logger.removeHandler(h);
      }
    }
  }
}
