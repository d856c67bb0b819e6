package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.testkit.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when": a node from the fat jar with legacy mode on (through the environment)
 * and the prototype's secret, and the prototype's Python client ({@code
 * scripts/legacy_prototype_client.py}, a faithful copy) prints {@code Response from server: Message
 * received: Hello SLMP!}; the message is in the inbox. Skipped when python3 with the {@code
 * cryptography} package is not installed. Also {@code send --legacy} from the jar.
 */
class LegacyPrototypeIT {
  @TempDir static Path work;
  static Path data;
  static int port;
  static JarProcess node;

  @BeforeAll
  static void startNode() throws Exception {
    // Failsafe (mvn verify) sets slmp.jar; a surefire run picked by a -Dtest pattern skips this
    // class.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("slmp.jar") != null,
        "integration test: runs in mvn verify, after package");
    data = work.resolve("node-data");
    port = TestNode.freePort();
    node =
        JarProcess.startNode(
            work,
            Map.of(
                "SLMP_PORT",
                Integer.toString(port),
                "SLMP_LEGACY_ENABLED",
                "true",
                "SLMP_LEGACY_SECRET",
                "my_secret"),
            port,
            "-conf",
            "{\"host\":\"127.0.0.1\",\"dataDir\":\"" + data + "\"}");
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  static JarProcess.Result python(String... args) throws Exception {
    Path script = Path.of("scripts/legacy_prototype_client.py").toAbsolutePath();
    List<String> cmd = new java.util.ArrayList<>(List.of(PythonRuntime.find(), script.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python client timed out");
    }
    return new JarProcess.Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static String inbox() throws Exception {
    Path f = data.resolve("inbox.jsonl");
    return Files.isRegularFile(f) ? Files.readString(f) : "";
  }

  @Test
  void thePrototypesOwnClientIsAnsweredAndItsMessageIsInTheInbox() throws Exception {
    JarProcess.Result r = python("127.0.0.1", Integer.toString(port));
    assertEquals(0, r.code(), r.output());
    assertEquals("Response from server: Message received: Hello SLMP!", r.output().strip());
    String payload =
        Base64.getEncoder().encodeToString("Hello SLMP!".getBytes(StandardCharsets.UTF_8));
    String inbox = inbox();
    assertTrue(
        inbox.contains("\"device\":\"user1\"")
            && inbox.contains("\"topic\":\"legacy\"")
            && inbox.contains("\"payload\":\"" + payload + "\""),
        inbox);
    node.await("Authenticated message from user1: Hello SLMP!");
    node.await("the prototype's wire format is insecure");
    assertFalse(node.output().contains("my_secret"), "the secret is never logged");
  }

  @Test
  void thePrototypesClientWithAWrongSecretGetsNoAnswer() throws Exception {
    JarProcess.Result r =
        python("127.0.0.1", Integer.toString(port), "mallory", "not_the_secret", "let me in");
    assertTrue(r.code() != 0, r.output());
    // The node closed without answering: the prototype's client fails decrypting an empty answer.
    assertFalse(r.output().lines().anyMatch(l -> l.startsWith("Response from server")), r.output());
    assertTrue(r.output().contains("InvalidToken"), r.output());
    assertFalse(inbox().contains("mallory"));
  }

  @Test
  void sendLegacyFromTheJar() throws Exception {
    JarProcess.Result r =
        JarProcess.run(
            work,
            Map.of("SLMP_LEGACY_SECRET", "my_secret"),
            "send",
            "--legacy",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--user",
            "jar-user",
            "from",
            "the",
            "jar");
    assertEquals(0, r.code(), r.output());
    assertTrue(
        r.output().contains("Response from server: Message received: from the jar"), r.output());
    assertTrue(inbox().contains("\"device\":\"jar-user\""));
  }
}
