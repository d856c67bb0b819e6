package dev.slmp.polyglot;

import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.TestNode.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.client.SlmpClient;
import dev.slmp.connection.InboundMessage;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.LogCapture;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application verticles named in {@code deploy}: the Groovy (from its file) and Kotlin examples, on
 * a real node.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolyglotDeployTest {
  /**
   * The examples, as a user names them in {@code deploy} from the project directory (the tests'
   * working directory).
   */
  static final String GROOVY_CONSUMER = "groovy:src/examples/groovy/Consumer.groovy";

  static final String GROOVY_ECHO = "groovy:src/examples/groovy/Echo.groovy";
  static final String KOTLIN_CONSUMER = "dev.slmp.examples.KotlinConsumer";

  @TempDir Path dataDir;
  private final LogCapture groovy = LogCapture.of("examples.GroovyConsumer");
  private final LogCapture kotlin = LogCapture.of("dev.slmp.examples.KotlinConsumer");

  @AfterEach
  void detach() {
    groovy.close();
    kotlin.close();
  }

  /**
   * Verifies the device's ACK ACCEPTED comes from the Groovy script: the inbox is off, nothing else
   * takes slmp.deliver.
   */
  @Test
  void groovyScriptFromItsFileAcceptsDeliveries(Vertx vertx) throws Exception {
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dataDir,
                new JsonObject()
                    .put("inbox", new JsonObject().put("enabled", false))
                    .put("deploy", new JsonArray().add(GROOVY_CONSUMER))));
    SlmpClient device = await(node.client("groovy-dev", m -> {}));

    assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("sensors/temp", utf8("21.5"))));
    assertEquals(1, groovy.lines.size());
    assertEquals("groovy-dev on 'sensors/temp': 21.5", groovy.lines.get(0));
    assertFalse(Files.exists(dataDir.resolve("inbox.jsonl")), "the inbox did not take it");
  }

  /**
   * Verifies both examples, deployed side by side (one as an object entry with 2 instances), each
   * take deliveries.
   */
  @Test
  void groovyAndKotlinConsumersBothReceiveDeviceMessages(Vertx vertx) throws Exception {
    JsonArray deploy =
        new JsonArray()
            .add(new JsonObject().put("name", GROOVY_CONSUMER).put("instances", 2))
            .add(KOTLIN_CONSUMER);
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dataDir,
                new JsonObject()
                    .put("inbox", new JsonObject().put("enabled", false))
                    .put("deploy", deploy)));
    SlmpClient device = await(node.client("poly-dev", m -> {}));

    // The event bus hands slmp.deliver messages round robin to the three consumers.
    for (int i = 0; i < 6; i++) {
      assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("t", utf8("m" + i))));
    }
    assertEquals(6, groovy.lines.size() + kotlin.lines.size());
    assertEquals(4, groovy.lines.size(), "two Groovy instances: " + groovy.lines);
    assertEquals(2, kotlin.lines.size(), "one Kotlin instance: " + kotlin.lines);
    assertTrue(kotlin.lines.get(0).startsWith("poly-dev on 't': m"), kotlin.lines.get(0));
  }

  /**
   * Verifies a Groovy class extending VerticleBase, with its deployment config, sends a command
   * that reaches the device.
   */
  @Test
  void groovyVerticleSendsACommandToAConnectedDevice(Vertx vertx) throws Exception {
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dataDir,
                new JsonObject()
                    .put(
                        "deploy",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("name", GROOVY_ECHO)
                                    .put("config", new JsonObject().put("topic", "ping"))))));
    List<InboundMessage> received = new CopyOnWriteArrayList<>();
    SlmpClient device = await(node.client("echo-dev", received::add));

    await(device.send("ping", utf8("are you there?")));
    Eventually.until(
        () -> received.size() >= 1,
        Await.TIMEOUT,
        "the Groovy verticle's command reached the device");
    InboundMessage command = received.get(0);
    assertEquals("ping/reply", command.topic());
    assertEquals("are you there?", new String(command.payload(), StandardCharsets.UTF_8));

    // Another topic, then a ping again: the echo of the second ping comes after whatever the first
    // message caused.
    await(device.send("other", utf8("not for echo")));
    await(device.send("ping", utf8("sentinel")));
    Eventually.until(() -> received.size() >= 2, Await.TIMEOUT, "the second ping's echo");
    assertEquals(
        "sentinel",
        new String(received.get(1).payload(), StandardCharsets.UTF_8),
        "only its configured topic is echoed");
  }

  /**
   * Verifies a script sees its entry's config, and that its vertxStop() runs when the node is
   * undeployed.
   */
  @Test
  void scriptConfigAndStopHook(Vertx vertx) throws Exception {
    Path script = dataDir.resolve("Hooks.groovy");
    Files.writeString(
        script,
        """
        vertx.eventBus().consumer('test.ping') { m -> m.reply(config.getString('answer')) }.completion()
        def vertxStop() { vertx.eventBus().send('test.stopped', 'bye') }
        """);
    Promise<String> stopped = Promise.promise();
    await(
        vertx
            .eventBus()
            .<String>consumer("test.stopped", m -> stopped.tryComplete(m.body()))
            .completion());
    JsonObject entry =
        new JsonObject()
            .put("name", "groovy:" + script)
            .put("config", new JsonObject().put("answer", "pong"));
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dataDir.resolve("data"),
                new JsonObject().put("deploy", new JsonArray().add(entry))));

    assertEquals("pong", await(vertx.eventBus().<String>request("test.ping", "")).body());
    await(node.stop());
    assertEquals("bye", await(stopped.future()));
  }
}
