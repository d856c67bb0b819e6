package dev.slmp.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.slmp.bridge.BridgeSettings;
import dev.slmp.config.BridgeRules;
import dev.slmp.config.NodeConfig;
import dev.slmp.crypto.Suite;
import dev.slmp.gateway.GatewaySettings;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.inbox.InboxSettings;
import dev.slmp.services.HandshakeSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each verticle's settings carry the configured values, each from its own key (none left at a
 * default).
 */
class VerticleSettingsTest {
  private static final NodeConfig CONFIG =
      NodeConfig.validate(
          new JsonObject()
              .put("host", "10.0.0.1")
              .put("port", 1234)
              .put("suites", new JsonArray().add(2))
              .put("maxBody", 2048)
              .put("deviceMaxBody", 1500)
              .put("handshakeTimeoutMs", 111)
              .put("keepaliveSeconds", 7)
              .put("session", new JsonObject().put("lifetimeSeconds", 99))
              .put(
                  "limits",
                  new JsonObject()
                      .put("maxConnections", 33)
                      .put("maxHandshakes", 22)
                      .put("maxInflightPerConnection", 9))
              .put("proxyProtocol", true)
              .put(
                  "verticles",
                  new JsonObject().put("crypto", 3).put("p256HandshakeOnWorker", false))
              .put("delivery", new JsonObject().put("timeoutMs", 444).put("publishIn", false))
              .put(
                  "legacy",
                  new JsonObject()
                      .put("enabled", true)
                      .put("secret", "pssst")
                      .put("maxTokenBytes", 300))
              .put(
                  "inbox",
                  new JsonObject()
                      .put("file", "in.jsonl")
                      .put("maxBatch", 5)
                      .put("print", false)
                      .put("maxQueue", 6)
                      .put("minFreeBytes", 7)
                      .put("maxFileBytes", 8192))
              .put(
                  "bridge",
                  new JsonObject()
                      .put("host", "10.0.0.2")
                      .put("port", 7100)
                      .put("maxFrameBytes", 2048)
                      .put("inbound", new JsonArray().add("a"))
                      .put(
                          "outbound",
                          new JsonArray().add(new JsonObject().put("addressRegex", "b.*")))));

  @Test
  void protocolAndHandshake() {
    ServerSettings protocol = new ServerSettings(EnumSet.of(Suite.byId(2)), 99, 7, 2048, 1500);
    assertEquals(protocol, VerticleSettings.protocol(CONFIG));
    assertEquals(
        new HandshakeSettings(protocol, 111, false, true), VerticleSettings.handshake(CONFIG));
  }

  @Test
  void gateway() {
    GatewaySettings g = VerticleSettings.gateway(CONFIG);
    assertEquals(
        new GatewaySettings(
            "10.0.0.1",
            1234,
            VerticleSettings.protocol(CONFIG),
            111,
            444,
            false,
            3,
            33,
            22,
            9,
            true,
            g.legacy()),
        g);
    assertArrayEquals("pssst".getBytes(StandardCharsets.UTF_8), g.legacy().secret());
    assertEquals(300, g.legacy().maxTokenBytes());
    assertEquals(
        "LegacySettings[maxTokenBytes=300]", g.legacy().toString(), "the secret is not shown");
    assertNull(
        VerticleSettings.gateway(NodeConfig.validate(new JsonObject())).legacy(),
        "legacy off by default");
  }

  @Test
  void inboxAndBridge() {
    assertEquals(
        new InboxSettings(Path.of("d", "in.jsonl"), 5, false, 6, 7, 8192),
        VerticleSettings.inbox(CONFIG, Path.of("d")));
    assertEquals(
        new BridgeSettings(
            "10.0.0.2",
            7100,
            List.of(new BridgeRules.Permitted("a", false)),
            List.of(new BridgeRules.Permitted("b.*", true)),
            2048,
            Path.of("data", "bridge.token")),
        VerticleSettings.bridge(CONFIG));
  }
}
