package dev.slmp.polyglot;

import static dev.slmp.polyglot.PolyglotDeployTest.GROOVY_CONSUMER;
import static dev.slmp.polyglot.PolyglotDeployTest.KOTLIN_CONSUMER;
import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.TestNode.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.client.SlmpClient;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.LogCapture;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code deploy} list on a clustered node (a one-member Hazelcast cluster on loopback), as on a
 * standalone one.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusteredDeployTest {
  @TempDir Path root;

  @Test
  void groovyAndKotlinConsumersOnAClusteredNode() throws Exception {
    TestCluster cluster = new TestCluster(root);
    LogCapture groovy = LogCapture.of("examples.GroovyConsumer");
    LogCapture kotlin = LogCapture.of("dev.slmp.examples.KotlinConsumer");
    try {
      TestNode node =
          await(
              cluster.start(
                  0,
                  1,
                  cluster.dataDirFor(0),
                  new JsonObject()
                      .put("deploy", new JsonArray().add(GROOVY_CONSUMER).add(KOTLIN_CONSUMER))));
      assertTrue(node.vertx().isClustered());
      SlmpClient device = await(node.client("clustered-dev", m -> {}));
      for (int i = 0; i < 4; i++) {
        assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("t", utf8("m" + i))));
      }
      assertEquals(2, groovy.lines.size(), groovy.lines.toString());
      assertEquals(2, kotlin.lines.size(), kotlin.lines.toString());
    } finally {
      groovy.close();
      kotlin.close();
      await(cluster.closeAll());
    }
  }
}
