package dev.slmp.polyglot;

import static dev.slmp.polyglot.PolyglotDeployTest.GROOVY_CONSUMER;
import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.config.DeployEntry;
import dev.slmp.config.Keys;
import dev.slmp.config.NodeConfig;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code deploy} entry that cannot be deployed stops the node's start, with a message naming it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeployFailureTest {
  @TempDir Path dataDir;
  @TempDir Path scripts;

  private String startFailure(Vertx vertx, JsonArray deploy) throws Exception {
    return failure(TestNode.start(vertx, dataDir, new JsonObject().put("deploy", deploy)))
        .getMessage();
  }

  @Test
  void missingScriptFile(Vertx vertx) throws Exception {
    String msg =
        startFailure(vertx, new JsonArray().add("groovy:src/examples/groovy/Missing.groovy"));
    assertTrue(
        msg.startsWith(
            "deploy[0] groovy:src/examples/groovy/Missing.groovy failed: no such file: "),
        msg);
    assertTrue(
        msg.contains(Path.of("src/examples/groovy/Missing.groovy").toAbsolutePath().toString()),
        msg);
  }

  @Test
  void scriptThatDoesNotCompileNamesTheEntryAndTheLine(Vertx vertx) throws Exception {
    Path broken = scripts.resolve("Broken.groovy");
    Files.writeString(broken, "vertx.eventBus().consumer('slmp.deliver') { msg ->\n  msg.reply(\n");
    String msg = startFailure(vertx, new JsonArray().add(GROOVY_CONSUMER).add("groovy:" + broken));
    assertTrue(msg.startsWith("deploy[1] groovy:" + broken + " failed: "), msg);
    assertTrue(msg.contains("Broken.groovy") && msg.contains("line"), msg);
  }

  @Test
  void groovyClassThatIsNotAVerticle(Vertx vertx) throws Exception {
    Path plain = scripts.resolve("Plain.groovy");
    Files.writeString(plain, "class Plain { String hello() { 'hi' } }\n");
    String msg =
        startFailure(
            vertx, new JsonArray().add(plain.toString())); // a .groovy name needs no prefix
    assertTrue(msg.startsWith("deploy[0] " + plain + " failed: "), msg);
    assertTrue(msg.contains("class Plain is not a verticle"), msg);
  }

  @Test
  void scriptThatThrowsAtStart(Vertx vertx) throws Exception {
    Path failing = scripts.resolve("Failing.groovy");
    Files.writeString(failing, "throw new IllegalStateException('no database')\n");
    String msg = startFailure(vertx, new JsonArray().add("groovy:" + failing));
    assertEquals("deploy[0] groovy:" + failing + " failed: no database", msg);
  }

  @Test
  void unknownClassName(Vertx vertx) throws Exception {
    String msg = startFailure(vertx, new JsonArray().add("com.acme.Nope"));
    assertEquals("deploy[0] com.acme.Nope failed: no class com.acme.Nope on the classpath", msg);
  }

  @Test
  void badEntriesFailConfigValidation() {
    assertEquals(
        "config key 'deploy[1]' must be a verticle name or an object {\"name\", \"instances\", \"config\"}, was 5",
        invalid(new JsonObject().put("deploy", new JsonArray().add("a.B").add(5))));
    assertEquals(
        "config key 'deploy[0]' \"instances\" must be a whole number 1..64, was 0",
        invalid(
            new JsonObject()
                .put(
                    "deploy",
                    new JsonArray().add(new JsonObject().put("name", "a.B").put("instances", 0)))));
    assertEquals(
        "config key 'deploy[0]' needs \"name\", a verticle name",
        invalid(
            new JsonObject()
                .put("deploy", new JsonArray().add(new JsonObject().put("instances", 1)))));
    assertEquals(
        "config key 'deploy[0]' has unknown field 'instance' (known: name, instances, config)",
        invalid(
            new JsonObject()
                .put(
                    "deploy",
                    new JsonArray().add(new JsonObject().put("name", "a.B").put("instance", 2)))));
    assertEquals(
        "config key 'deploy' must be a list, was \"groovy:x.groovy\"",
        invalid(new JsonObject().put("deploy", "groovy:x.groovy")));
  }

  /**
   * Verifies {@code -Dslmp.deploy} (and so {@code SLMP_DEPLOY}) takes a comma-separated list or
   * JSON.
   */
  @Test
  void deployFromASystemProperty(Vertx vertx) throws Exception {
    try {
      System.setProperty("slmp.deploy", "groovy:a.groovy, com.acme.B");
      NodeConfig c = await(NodeConfig.load(vertx, new JsonObject().put("dataDir", "x")));
      assertEquals(
          List.of("groovy:a.groovy", "com.acme.B"),
          c.get(Keys.DEPLOY).stream().map(DeployEntry::name).toList());
      System.setProperty("slmp.deploy", "[{\"name\": \"com.acme.B\", \"instances\": 2}]");
      c = await(NodeConfig.load(vertx, new JsonObject().put("dataDir", "x")));
      assertEquals(2, c.get(Keys.DEPLOY).get(0).instances());
    } finally {
      System.clearProperty("slmp.deploy");
    }
  }

  private static String invalid(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(config))
        .getMessage();
  }
}
