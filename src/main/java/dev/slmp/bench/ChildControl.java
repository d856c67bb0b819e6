package dev.slmp.bench;

import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The control channel of a benchmark server process: one command per line on stdin, one {@code
 * BENCH ...} line per answer on stdout. {@code heap} (GC, then the heap in use), {@code accepted}
 * (messages the in-memory consumer took), {@code stats}, {@code quit}. End of input (the parent
 * died) also ends the process.
 */
final class ChildControl {
  static final String PREFIX = "BENCH ";

  private ChildControl() {}

  /**
   * Prints the ready line, then serves commands until {@code quit} or end of input; returns the
   * exit code.
   */
  static int serve(Vertx vertx, int port, PrintStream out, Supplier<Long> accepted) {
    return serve(vertx, port, out, accepted, () -> "");
  }

  /** As above, with {@code stats}: one line of the server's own counts. */
  static int serve(
      Vertx vertx, int port, PrintStream out, Supplier<Long> accepted, Supplier<String> stats) {
    reply(out, "ready port=" + port + " pid=" + ProcessHandle.current().pid());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        switch (line.trim()) {
          case "heap" -> reply(out, "heap " + heapAfterGc());
          case "accepted" -> reply(out, "accepted " + accepted.get());
          case "ping" -> reply(out, "pong");
          case "stats" -> reply(out, "stats " + stats.get());
          case "quit" -> {
            return stop(vertx, out);
          }
          default -> reply(out, "error unknown command " + line.trim());
        }
      }
    } catch (IOException e) {
      // the parent is gone: stop
    }
    return stop(vertx, out);
  }

  /** Heap in use after full collections, in bytes (settled: a few GCs until it stops shrinking). */
  static long heapAfterGc() {
    var mem = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  private static int stop(Vertx vertx, PrintStream out) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
    reply(out, "stopped");
    return 0;
  }

  static void reply(PrintStream out, String s) {
    synchronized (out) {
      out.println(PREFIX + s);
      out.flush();
    }
  }
}
