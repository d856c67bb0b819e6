package dev.slmp.polyglot;

import static dev.slmp.polyglot.PolyglotFixture.GROOVY_CONSUMER;
import static dev.slmp.polyglot.PolyglotFixture.GROOVY_ECHO;
import static dev.slmp.polyglot.PolyglotFixture.KOTLIN_CONSUMER;
import static dev.slmp.polyglot.PolyglotFixture.await;
import static dev.slmp.polyglot.PolyglotFixture.connect;
import static dev.slmp.polyglot.PolyglotFixture.start;
import static dev.slmp.polyglot.PolyglotFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.client.SlmpClient;
import dev.slmp.node.SlmpNode;
import dev.slmp.polyglot.PolyglotFixture.LogCapture;
import dev.slmp.protocol.AckStatus;
import dev.slmp.connection.InboundMessage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Application verticles named in {@code deploy}: the Groovy (from its file) and Kotlin examples, on a real node. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolyglotDeployTest {
  @TempDir
  Path dataDir;
  private final LogCapture groovy = LogCapture.of("examples.GroovyConsumer");
  private final LogCapture kotlin = LogCapture.of("dev.slmp.examples.KotlinConsumer");

  @AfterEach
  void detach() {
    groovy.close();
    kotlin.close();
  }

  /** Verifies the device's ACK ACCEPTED comes from the Groovy script: the inbox is off, nothing else takes slmp.deliver. */
  @Test
  void groovyScriptFromItsFileAcceptsDeliveries(Vertx vertx) throws Exception {
    SlmpNode node = await(start(vertx, dataDir, new JsonObject().put("inbox", new JsonObject().put("enabled", false))
        .put("deploy", new JsonArray().add(GROOVY_CONSUMER))));
    SlmpClient device = connect(vertx, node, "groovy-dev");

    assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("sensors/temp", utf8("21.5"))));
    assertEquals(1, groovy.lines.size());
    assertEquals("groovy-dev on 'sensors/temp': 21.5", groovy.lines.get(0));
    assertFalse(Files.exists(dataDir.resolve("inbox.jsonl")), "the inbox did not take it");
  }

  /** Verifies both examples, deployed side by side (one as an object entry with 2 instances), each take deliveries. */
  @Test
  void groovyAndKotlinConsumersBothReceiveDeviceMessages(Vertx vertx) throws Exception {
    JsonArray deploy = new JsonArray().add(new JsonObject().put("name", GROOVY_CONSUMER).put("instances", 2)).add(KOTLIN_CONSUMER);
    SlmpNode node = await(start(vertx, dataDir, new JsonObject().put("inbox", new JsonObject().put("enabled", false))
        .put("deploy", deploy)));
    SlmpClient device = connect(vertx, node, "poly-dev");

    // The event bus hands slmp.deliver messages round robin to the three consumers.
    for (int i = 0; i < 6; i++) {
      assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("t", utf8("m" + i))));
    }
    assertEquals(6, groovy.lines.size() + kotlin.lines.size());
    assertEquals(4, groovy.lines.size(), "two Groovy instances: " + groovy.lines);
    assertEquals(2, kotlin.lines.size(), "one Kotlin instance: " + kotlin.lines);
    assertTrue(kotlin.lines.get(0).startsWith("poly-dev on 't': m"), kotlin.lines.get(0));
  }

  /** Verifies a Groovy class extending VerticleBase, with its deployment config, sends a command that reaches the device. */
  @Test
  void groovyVerticleSendsACommandToAConnectedDevice(Vertx vertx) throws Exception {
    SlmpNode node = await(start(vertx, dataDir, new JsonObject()
        .put("deploy", new JsonArray().add(new JsonObject().put("name", GROOVY_ECHO).put("config", new JsonObject().put("topic", "ping"))))));
    BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
    SlmpClient device = connect(vertx, node, "echo-dev", received);

    await(device.send("ping", utf8("are you there?")));
    InboundMessage command = received.poll(20, TimeUnit.SECONDS);
    assertNotNull(command, "the Groovy verticle's command reached the device");
    assertEquals("ping/reply", command.topic());
    assertEquals("are you there?", new String(command.payload(), StandardCharsets.UTF_8));

    await(device.send("other", utf8("not for echo")));
    assertNull(received.poll(300, TimeUnit.MILLISECONDS), "only its configured topic is echoed");
  }

  /** Verifies a script sees its entry's config, and that its vertxStop() runs when the node is undeployed. */
  @Test
  void scriptConfigAndStopHook(Vertx vertx) throws Exception {
    Path script = dataDir.resolve("Hooks.groovy");
    Files.writeString(script, """
        vertx.eventBus().consumer('test.ping') { m -> m.reply(config.getString('answer')) }.completion()
        def vertxStop() { vertx.eventBus().send('test.stopped', 'bye') }
        """);
    BlockingQueue<String> stopped = new LinkedBlockingQueue<>();
    await(vertx.eventBus().<String>consumer("test.stopped", m -> stopped.add(m.body())).completion());
    JsonObject entry = new JsonObject().put("name", "groovy:" + script).put("config", new JsonObject().put("answer", "pong"));
    String id = await(vertx.deployVerticle(new SlmpNode(), new DeploymentOptions()
        .setConfig(PolyglotFixture.config(dataDir.resolve("data"), new JsonObject().put("deploy", new JsonArray().add(entry))))));

    assertEquals("pong", await(vertx.eventBus().<String>request("test.ping", "")).body());
    await(vertx.undeploy(id));
    assertEquals("bye", stopped.poll(10, TimeUnit.SECONDS));
  }
}
