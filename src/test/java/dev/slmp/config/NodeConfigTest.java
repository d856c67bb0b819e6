package dev.slmp.config;

import dev.slmp.config.NodeConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The configuration layers, and clear errors for bad values; conf/config.json documents exactly the defaults. */
@ExtendWith(VertxExtension.class)
class NodeConfigTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty("slmp.port");
    System.clearProperty("slmp.limits.maxConnections");
    System.clearProperty("slmp.inbox.enabled");
  }

  @Test
  void confConfigJsonHoldsEveryKeyWithItsDefault() throws Exception {
    JsonObject file = new JsonObject(Files.readString(Path.of("conf/config.json")));
    assertEquals(NodeConfig.defaults(), file, "conf/config.json must list every key with the built-in default");
  }

  @Test
  void launcherConfReplacesTheFileAndSystemPropertiesWin(Vertx vertx, VertxTestContext ctx) {
    System.setProperty("slmp.port", "7001");
    System.setProperty("slmp.inbox.enabled", "false");
    NodeConfig.load(vertx, new JsonObject().put("port", 7000).put("dataDir", "elsewhere")
        .put("limits", new JsonObject().put("maxConnections", 5)))
        .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          assertEquals(7001, c.port(), "system property over -conf");
          assertEquals("elsewhere", c.dataDir(), "-conf over defaults");
          assertEquals(5, c.integer("limits.maxConnections"), "nested -conf keys kept");
          assertEquals(1000, c.integer("limits.maxHandshakes"), "untouched nested keys keep their default");
          assertEquals(false, c.bool("inbox.enabled"));
          ctx.completeNow();
        })));
  }

  @Test
  void aSystemPropertyOfTheWrongTypeNamesItsKey(Vertx vertx, VertxTestContext ctx) {
    System.setProperty("slmp.limits.maxConnections", "lots");
    NodeConfig.load(vertx, new JsonObject()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertTrue(err.getMessage().contains("limits.maxConnections"), err.getMessage());
      assertTrue(err.getMessage().contains("SLMP_LIMITS_MAX_CONNECTIONS"), "the message names the variable too: " + err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(new JsonObject().put("prot", 1)))
        .getMessage().contains("'prot'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(new JsonObject().put("port", "x")))
        .getMessage().contains("'port'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(new JsonObject().put("port", 70000)))
        .getMessage().contains("'port' must be 0..65535"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.validate(new JsonObject().put("session", new JsonObject().put("lifetimeSeconds", -1))))
        .getMessage().contains("session.lifetimeSeconds"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(new JsonObject().put("suites",
        new io.vertx.core.json.JsonArray().add(9)))).getMessage().contains("suites"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(new JsonObject().put("verticles",
        new JsonObject().put("handshake", 0)))).getMessage().contains("verticles.handshake"));
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertEquals("SLMP_PORT", NodeConfig.envName("port"));
    assertEquals("SLMP_DATA_DIR", NodeConfig.envName("dataDir"));
    assertEquals("SLMP_LIMITS_MAX_CONNECTIONS", NodeConfig.envName("limits.maxConnections"));
    assertEquals("SLMP_SESSION_LIFETIME_SECONDS", NodeConfig.envName("session.lifetimeSeconds"));
  }
}
