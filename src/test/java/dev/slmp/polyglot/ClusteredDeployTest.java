package dev.slmp.polyglot;

import static dev.slmp.polyglot.PolyglotFixture.GROOVY_CONSUMER;
import static dev.slmp.polyglot.PolyglotFixture.KOTLIN_CONSUMER;
import static dev.slmp.polyglot.PolyglotFixture.await;
import static dev.slmp.polyglot.PolyglotFixture.connect;
import static dev.slmp.polyglot.PolyglotFixture.start;
import static dev.slmp.polyglot.PolyglotFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import dev.slmp.client.SlmpClient;
import dev.slmp.node.SlmpNode;
import dev.slmp.polyglot.PolyglotFixture.LogCapture;
import dev.slmp.protocol.AckStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code deploy} list on a clustered node (a one-member Hazelcast cluster on loopback), as on a standalone one. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusteredDeployTest {
  @TempDir
  Path dataDir;

  @Test
  void groovyAndKotlinConsumersOnAClusteredNode() throws Exception {
    Vertx vertx = await(Vertx.builder().withClusterManager(new HazelcastClusterManager(loopbackConfig())).buildClustered());
    LogCapture groovy = LogCapture.of("examples.GroovyConsumer");
    LogCapture kotlin = LogCapture.of("dev.slmp.examples.KotlinConsumer");
    try {
      SlmpNode node = await(start(vertx, dataDir, new JsonObject().put("inbox", new JsonObject().put("enabled", false))
          .put("deploy", new JsonArray().add(GROOVY_CONSUMER).add(KOTLIN_CONSUMER))));
      assertTrue(vertx.isClustered());
      SlmpClient device = connect(vertx, node, "clustered-dev");
      for (int i = 0; i < 4; i++) {
        assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("t", utf8("m" + i))));
      }
      assertEquals(2, groovy.lines.size(), groovy.lines.toString());
      assertEquals(2, kotlin.lines.size(), kotlin.lines.toString());
    } finally {
      groovy.close();
      kotlin.close();
      await(vertx.close());
    }
  }

  /** Loopback only, TCP/IP join, a cluster name of its own: no other test's or developer's node can join. */
  private static Config loopbackConfig() {
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName("slmp-polyglot-" + UUID.randomUUID());
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(5901).setPortAutoIncrement(true).setPortCount(100);
    net.getJoin().getMulticastConfig().setEnabled(false);
    net.getJoin().getAutoDetectionConfig().setEnabled(false);
    net.getJoin().getTcpIpConfig().setEnabled(true).setMembers(java.util.List.of("127.0.0.1"));
    net.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of("127.0.0.1"));
    return cfg;
  }
}
