package dev.slmp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Suite;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The configuration layers, typed access, and clear errors for bad values, each naming its key. */
@ExtendWith(VertxExtension.class)
class NodeConfigTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty("slmp.port");
    System.clearProperty("slmp.limits.maxConnections");
    System.clearProperty("slmp.inbox.enabled");
    System.clearProperty("slmp.cluster.expectedSize");
  }

  @Test
  void launcherConfReplacesTheFileAndSystemPropertiesWin(Vertx vertx, VertxTestContext ctx) {
    System.setProperty("slmp.port", "7001");
    System.setProperty("slmp.inbox.enabled", "false");
    NodeConfig.load(
            vertx,
            new JsonObject()
                .put("port", 7000)
                .put("dataDir", "elsewhere")
                .put("limits", new JsonObject().put("maxConnections", 5)),
            Map.of())
        .onComplete(
            ctx.succeeding(
                c ->
                    ctx.verify(
                        () -> {
                          assertEquals(7001, c.get(Keys.PORT), "system property over -conf");
                          assertEquals("elsewhere", c.get(Keys.DATA_DIR), "-conf over defaults");
                          assertEquals(
                              5, c.get(Keys.LIMITS_MAX_CONNECTIONS), "nested -conf keys kept");
                          assertEquals(
                              1000,
                              c.get(Keys.LIMITS_MAX_HANDSHAKES),
                              "untouched nested keys keep their default");
                          assertEquals(false, c.get(Keys.INBOX_ENABLED));
                          ctx.completeNow();
                        })));
  }

  @Test
  void environmentOverridesTheFileAndSystemPropertiesOverrideTheEnvironment(
      Vertx vertx, VertxTestContext ctx) {
    System.setProperty("slmp.port", "7001");
    Map<String, String> env =
        Map.of(
            "SLMP_PORT",
            "7002",
            "SLMP_LIMITS_MAX_CONNECTIONS",
            " 42 ",
            "SLMP_SUITES",
            "1, 3",
            "SLMP_DEPLOY",
            "groovy:a.groovy, com.acme.B",
            "SLMP_INBOX_PRINT",
            "FALSE",
            "SLMP_BRIDGE_OUTBOUND",
            "[{\"addressRegex\": \"app\\\\..+\"}]",
            "SLMP_LEGACY_SECRET",
            "s3cret");
    NodeConfig.load(
            vertx, new JsonObject().put("limits", new JsonObject().put("maxConnections", 5)), env)
        .onComplete(
            ctx.succeeding(
                c ->
                    ctx.verify(
                        () -> {
                          assertEquals(7001, c.get(Keys.PORT), "system property over environment");
                          assertEquals(
                              42, c.get(Keys.LIMITS_MAX_CONNECTIONS), "environment over -conf");
                          assertEquals(
                              EnumSet.of(Suite.byId(1), Suite.byId(3)),
                              c.get(Keys.SUITES),
                              "numbers, comma-separated");
                          assertEquals(
                              List.of("groovy:a.groovy", "com.acme.B"),
                              c.get(Keys.DEPLOY).stream().map(DeployEntry::name).toList());
                          assertEquals(false, c.get(Keys.INBOX_PRINT));
                          assertEquals(
                              List.of(new BridgeRules.Permitted("app\\..+", true)),
                              c.get(Keys.BRIDGE_OUTBOUND),
                              "a list as JSON");
                          assertEquals("s3cret", c.get(Keys.LEGACY_SECRET));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aSystemPropertyOfTheWrongTypeNamesItsKey(Vertx vertx, VertxTestContext ctx) {
    System.setProperty("slmp.limits.maxConnections", "lots");
    NodeConfig.load(vertx, new JsonObject(), Map.of())
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              "config key 'limits.maxConnections' (SLMP_LIMITS_MAX_CONNECTIONS or -Dslmp.limits.maxConnections)"
                                  + " must be a whole number, was \"lots\"",
                              err.getMessage());
                          ctx.completeNow();
                        })));
  }

  @Test
  void badTextInAnEnvironmentVariableNamesTheKeyTheVariableAndTheProperty(
      Vertx vertx, VertxTestContext ctx) {
    NodeConfig.load(vertx, new JsonObject(), Map.of("SLMP_INBOX_ENABLED", "yes"))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              "config key 'inbox.enabled' (SLMP_INBOX_ENABLED or -Dslmp.inbox.enabled) must be true or false,"
                                  + " was \"yes\"",
                              err.getMessage());
                          ctx.completeNow();
                        })));
  }

  @Test
  void environmentValuesAreCheckedLikeFileValues(Vertx vertx, VertxTestContext ctx) {
    NodeConfig.load(vertx, new JsonObject(), Map.of("SLMP_PORT", "70000"))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              "config key 'port' must be 0..65535, was 70000", err.getMessage());
                          ctx.completeNow();
                        })));
  }

  @Test
  void badListTextNamesTheKey() {
    assertEquals(
        "config key 'suites' (SLMP_SUITES or -Dslmp.suites) must be a list, was \"1,two\"",
        assertThrows(IllegalArgumentException.class, () -> Keys.SUITES.parseText("1,two"))
            .getMessage());
    assertEquals(
        "config key 'deploy' (SLMP_DEPLOY or -Dslmp.deploy) must be a list, was \"[oops\"",
        assertThrows(IllegalArgumentException.class, () -> Keys.DEPLOY.parseText("[oops"))
            .getMessage());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertEquals("unknown config key 'prot'", invalid(new JsonObject().put("prot", 1)));
    assertEquals(
        "unknown config key 'limits.maxConection'",
        invalid(new JsonObject().put("limits", new JsonObject().put("maxConection", 1))));
    assertEquals(
        "config key 'limits' must be an object", invalid(new JsonObject().put("limits", 5)));
    assertEquals(
        "config key 'port' must be a whole number, was \"x\"",
        invalid(new JsonObject().put("port", "x")));
    assertEquals(
        "config key 'port' must be a whole number, was 1.5",
        invalid(new JsonObject().put("port", 1.5)));
    assertEquals(
        "config key 'port' must be a whole number, was null",
        invalid(new JsonObject().putNull("port")));
    assertEquals(
        "config key 'inbox.print' must be true or false, was \"yes\"",
        invalid(new JsonObject().put("inbox", new JsonObject().put("print", "yes"))));
    assertEquals(
        "config key 'host' must be a string, was 1", invalid(new JsonObject().put("host", 1)));
    assertEquals(
        "config key 'deploy' must be a list, was \"groovy:x.groovy\"",
        invalid(new JsonObject().put("deploy", "groovy:x.groovy")));
    assertEquals(
        "config key 'port' must be 0..65535, was 70000",
        invalid(new JsonObject().put("port", 70000)));
    assertEquals(
        "config key 'session.lifetimeSeconds' must be 0..4294967295, was -1",
        invalid(new JsonObject().put("session", new JsonObject().put("lifetimeSeconds", -1))));
    assertEquals(
        "config key 'suites': unknown suite 9 (known: 1, 2, 3)",
        invalid(new JsonObject().put("suites", new JsonArray().add(9))));
    assertEquals(
        "config key 'suites' must name at least one suite (1, 2 or 3)",
        invalid(new JsonObject().put("suites", new JsonArray())));
    assertEquals(
        "config key 'dataDir' must not be empty", invalid(new JsonObject().put("dataDir", " ")));
  }

  @Test
  void rulesThatTieKeysTogetherNameTheKeys() {
    assertEquals(
        "config key 'verticles.handshake' must be at least 1 on a node with gateways",
        invalid(new JsonObject().put("verticles", new JsonObject().put("handshake", 0))));
    NodeConfig authOnly =
        NodeConfig.validate(
            new JsonObject()
                .put("verticles", new JsonObject().put("handshake", 0).put("gateway", 0)));
    assertEquals(
        0, authOnly.get(Keys.VERTICLES_HANDSHAKE), "no gateway, no handshake verticle needed");
    assertEquals(
        "config key 'legacy.secret' (SLMP_LEGACY_SECRET) must be set when legacy.enabled is true",
        invalid(new JsonObject().put("legacy", new JsonObject().put("enabled", true))));
  }

  @Test
  void theSecretIsNeverShown() {
    String msg = invalid(new JsonObject().put("legacy", new JsonObject().put("secret", 271828)));
    assertEquals("config key 'legacy.secret' must be a string, was (hidden)", msg);
    NodeConfig c =
        NodeConfig.validate(
            new JsonObject()
                .put("legacy", new JsonObject().put("enabled", true).put("secret", "hunter2")));
    assertEquals("hunter2", c.get(Keys.LEGACY_SECRET));
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertTrue(c.toString().contains("\"secret\":\"(hidden)\""), c.toString());
  }

  @Test
  void valuesAreTyped() {
    NodeConfig defaults = NodeConfig.validate(new JsonObject());
    for (Setting<?> s : Keys.all()) {
      assertEquals(s.defaultValue(), defaults.get(s), s.key());
    }
    int port = defaults.get(Keys.PORT);
    long lifetime = defaults.get(Keys.SESSION_LIFETIME_SECONDS);
    assertEquals(9999, port);
    assertEquals(86_400L, lifetime);
    assertEquals(EnumSet.allOf(Suite.class), defaults.get(Keys.SUITES));
    assertEquals(
        List.of(
            new BridgeRules.Permitted("slmp\\.out\\.(?!receipt$).+", true),
            new BridgeRules.Permitted("slmp.commands", false)),
        defaults.get(Keys.BRIDGE_INBOUND));
    assertEquals(
        List.of(
            new BridgeRules.Permitted("slmp.in", false),
            new BridgeRules.Permitted("slmp.deliver", false),
            new BridgeRules.Permitted("slmp.out.receipt", false)),
        defaults.get(Keys.BRIDGE_OUTBOUND));

    NodeConfig c =
        NodeConfig.validate(
            new JsonObject()
                .put("session", new JsonObject().put("lifetimeSeconds", 0xFFFFFFFFL))
                .put(
                    "deploy",
                    new JsonArray()
                        .add(new JsonObject().put("name", "com.acme.B").put("instances", 3.0))));
    assertEquals(0xFFFFFFFFL, c.get(Keys.SESSION_LIFETIME_SECONDS));
    assertEquals(new DeployEntry(0, "com.acme.B", 3, new JsonObject()), c.get(Keys.DEPLOY).get(0));
    IntSetting undeclared = new IntSetting("not.declared", 1, 0, 2, "a key outside Keys");
    assertEquals(
        "'not.declared' is not declared in Keys",
        assertThrows(IllegalArgumentException.class, () -> c.get(undeclared)).getMessage());
  }

  @Test
  void peekReadsOneKeyBeforeVertxStarts() {
    JsonObject conf = new JsonObject().put("cluster", new JsonObject().put("expectedSize", 3));
    assertEquals(
        3, NodeConfig.peek(conf, Keys.CLUSTER_EXPECTED_SIZE, Map.of()), "-conf over the default");
    assertEquals(
        4,
        NodeConfig.peek(
            conf, Keys.CLUSTER_EXPECTED_SIZE, Map.of("SLMP_CLUSTER_EXPECTED_SIZE", "4")));
    System.setProperty("slmp.cluster.expectedSize", "5");
    assertEquals(
        5,
        NodeConfig.peek(
            conf, Keys.CLUSTER_EXPECTED_SIZE, Map.of("SLMP_CLUSTER_EXPECTED_SIZE", "4")));
    System.clearProperty("slmp.cluster.expectedSize");
    assertEquals(
        0,
        NodeConfig.peek(
            new JsonObject().put("cluster", new JsonObject().put("expectedSize", "three")),
            Keys.CLUSTER_EXPECTED_SIZE,
            Map.of()),
        "a bad file value is left to load to report");
    assertEquals(
        "config key 'cluster.expectedSize' must be 0..1000, was -1",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    NodeConfig.peek(
                        conf,
                        Keys.CLUSTER_EXPECTED_SIZE,
                        Map.of("SLMP_CLUSTER_EXPECTED_SIZE", "-1")))
            .getMessage());
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertEquals("SLMP_PORT", Setting.envName("port"));
    assertEquals("SLMP_DATA_DIR", Setting.envName("dataDir"));
    assertEquals("SLMP_LIMITS_MAX_CONNECTIONS", Keys.LIMITS_MAX_CONNECTIONS.envName());
    assertEquals("SLMP_SESSION_LIFETIME_SECONDS", Keys.SESSION_LIFETIME_SECONDS.envName());
    assertEquals(
        "SLMP_VERTICLES_P256_HANDSHAKE_ON_WORKER",
        Keys.VERTICLES_P256_HANDSHAKE_ON_WORKER.envName());
    assertEquals("slmp.limits.maxConnections", Keys.LIMITS_MAX_CONNECTIONS.sysProp());
  }

  private static String invalid(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(config))
        .getMessage();
  }
}
