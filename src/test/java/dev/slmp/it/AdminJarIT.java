package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar's admin server as an operator meets it: the launcher runs Vert.x with Micrometer, so
 * {@code /metrics} shows Vert.x's net-server and event-bus meters and the JVM's beside SLMP's.
 * (Readiness DOWN first on shutdown is tested in-process, AdminServerTest: a log line from a JVM
 * shutdown hook races java.util.logging's own reset and cannot be asserted here.)
 */
class AdminJarIT {
  @TempDir Path work;

  @Test
  void metricsOfSlmpVertxAndTheJvm() throws Exception {
    int port = TestNode.freePort();
    JarProcess node =
        JarProcess.startNode(
            work,
            Map.of(),
            port,
            "-conf",
            "{\"host\":\"127.0.0.1\",\"port\":"
                + port
                + ",\"dataDir\":\""
                + work.resolve("d")
                + "\"}");
    try {
      Matcher m =
          Pattern.compile("admin server on http://127\\.0\\.0\\.1:(\\d+)").matcher(node.output());
      assertTrue(m.find(), node.output());
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + m.group(1);
      assertEquals(
          200,
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
      // Vert.x registers its net-server meters with the first connection.
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.getOutputStream().write(new byte[] {0});
      }
      java.util.function.Supplier<String> metrics =
          () -> {
            try {
              return http.send(
                      HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          };
      for (String name :
          new String[] {
            "slmp_connections",
            "slmp_handshakes_total",
            "vertx_net_server_active_connections",
            "vertx_eventbus_",
            "jvm_memory_used_bytes"
          }) {
        Eventually.until(
            () -> metrics.get().contains(name), Duration.ofSeconds(10), name + " in /metrics");
      }
    } finally {
      node.stop();
    }
  }
}
