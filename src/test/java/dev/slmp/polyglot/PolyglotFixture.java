package dev.slmp.polyglot;

import dev.slmp.client.SlmpClient;
import dev.slmp.crypto.Suite;
import dev.slmp.node.SlmpNode;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Real nodes on 127.0.0.1 and real devices (SlmpClient) for the polyglot and bridge tests, in blocking style. */
public final class PolyglotFixture {
  /** The examples, as a user names them in {@code deploy} from the project directory (the tests' working directory). */
  public static final String GROOVY_CONSUMER = "groovy:src/examples/groovy/Consumer.groovy";
  public static final String GROOVY_ECHO = "groovy:src/examples/groovy/Echo.groovy";
  public static final String KOTLIN_CONSUMER = "dev.slmp.examples.KotlinConsumer";

  private PolyglotFixture() {}

  /** Loopback, any free gateway port, a fresh data directory, no inbox printing; then {@code overrides}. */
  public static JsonObject config(Path dataDir, JsonObject overrides) {
    return new JsonObject().put("host", "127.0.0.1").put("port", 0).put("dataDir", dataDir.toString())
        .put("inbox", new JsonObject().put("print", false)).mergeIn(overrides, true);
  }

  public static Future<SlmpNode> start(Vertx vertx, Path dataDir, JsonObject overrides) {
    SlmpNode node = new SlmpNode();
    return vertx.deployVerticle(node, new DeploymentOptions().setConfig(config(dataDir, overrides))).map(id -> node);
  }

  /** A device whose key the node derives from its master secret (no registration needed). */
  public static DeviceIdentity device(SlmpNode node, String id) {
    byte[] key = KeySchedule.deviceKey(node.services().data().masterSecret(), id.getBytes(StandardCharsets.UTF_8));
    return new DeviceIdentity(id, key, Suite.P256_AES128GCM, node.services().data().p256().publicKey());
  }

  /** A connected, established device; every DATA the node sends it lands in {@code received}. */
  public static SlmpClient connect(Vertx vertx, SlmpNode node, String id, BlockingQueue<InboundMessage> received)
      throws Exception {
    SlmpClient c = await(SlmpClient.connect(vertx, SlmpClient.Options.of("127.0.0.1", node.port(), device(node, id)), null));
    c.onMessage(received::add);
    await(c.established());
    return c;
  }

  public static SlmpClient connect(Vertx vertx, SlmpNode node, String id) throws Exception {
    return connect(vertx, node, id, new LinkedBlockingQueue<>());
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** The failure of {@code f}, which must fail. */
  public static Throwable failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got success");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Collects what a logger (System.Logger and JUL share names) logs, for examples whose output is a log line. */
  public static final class LogCapture extends Handler {
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger; // JUL holds loggers weakly: keep it, or the handler goes with it
    private final java.util.logging.Level level;

    private LogCapture(String name) {
      logger = Logger.getLogger(name);
      level = logger.getLevel();
      logger.setLevel(java.util.logging.Level.INFO); // whatever the test logging configuration says
      logger.addHandler(this);
    }

    public static LogCapture of(String loggerName) {
      return new LogCapture(loggerName);
    }

    @Override
    public void publish(LogRecord r) {
      lines.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setLevel(level);
    }
  }
}
