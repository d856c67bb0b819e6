package dev.slmp.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what a logger (System.Logger and JUL share names) logs, for examples whose output is a
 * log line.
 */
public final class LogCapture extends Handler {
  public final List<String> lines = new CopyOnWriteArrayList<>();

  /** The whole records, with their exceptions. */
  public final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private final Logger logger; // JUL holds loggers weakly: keep it, or the handler goes with it
  private final Level level;

  private LogCapture(String name) {
    logger = Logger.getLogger(name);
    level = logger.getLevel();
    logger.setLevel(Level.INFO); // whatever the test logging configuration says
    logger.addHandler(this);
  }

  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  @Override
  public void publish(LogRecord r) {
    lines.add(r.getMessage());
    records.add(r);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(level);
  }
}
