package dev.slmp.client;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.cli.SlmpMain;
import dev.slmp.node.SlmpNode;
import dev.slmp.testkit.CliRun;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code send --legacy} in-process through {@link SlmpMain#run}: against a server written from spec
 * section 10 alone ({@link PrototypeServer}), and against a node with legacy mode on and off.
 */
@ExtendWith(VertxExtension.class)
class LegacyClientTest {
  private static final String SECRET = "my_secret";

  private static CliRun send(int port, String... more) {
    List<String> args =
        new ArrayList<>(List.of("send", "--legacy", "--port", String.valueOf(port)));
    args.addAll(List.of(more));
    return CliRun.of(args);
  }

  @Test
  void printsTheAnswerOfAServerThatFollowsSection10(Vertx vertx) throws Exception {
    PrototypeServer server = await(PrototypeServer.start(vertx, SECRET));
    CliRun r = send(server.port(), "--user", "user1", "--secret", SECRET, "Hello", "SLMP!");
    assertEquals(0, r.code(), r.err());
    assertEquals("Response from server: Message received: Hello SLMP!\n", r.out());
    assertEquals(
        List.of(new PrototypeServer.Received("user1", "Hello SLMP!", true)), server.received);
    assertTrue(
        server.clientPems.get(0).startsWith("-----BEGIN PUBLIC KEY-----\n"),
        server.clientPems.get(0));
    assertTrue(server.clientPems.get(0).endsWith("-----END PUBLIC KEY-----\n"));
  }

  @Test
  void aMessageWithSemicolonsIsSentWhole(Vertx vertx) throws Exception {
    PrototypeServer server = await(PrototypeServer.start(vertx, SECRET));
    CliRun r = send(server.port(), "--user=u;", "--secret", SECRET, "a;b");
    assertEquals(2, r.code(), "a username with ';' cannot be split back: " + r.err());
    r = send(server.port(), "--user=u2", "--secret=" + SECRET, "a;b;c");
    assertEquals(0, r.code(), r.err());
    assertEquals("Response from server: Message received: a;b;c\n", r.out());
  }

  @Test
  void noAnswerExitsOne(Vertx vertx) throws Exception {
    PrototypeServer server = await(PrototypeServer.start(vertx, SECRET));
    CliRun r = send(server.port(), "--user", "user1", "--secret", "wrong", "hi");
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals("", r.out());
    assertTrue(r.err().contains("without answering"), r.err());
    assertFalse(server.received.get(0).tokenRight());
  }

  @Test
  void usageErrorsNeverEchoTheSecret() throws Exception {
    CliRun r = send(9, "--secret", "hunter2-secret", "hi");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--user"), r.err());
    r = send(9, "--user", "u", "--secret", "hunter2-secret", "--bogus", "x", "hi");
    assertEquals(2, r.code());
    assertFalse(r.err().contains("hunter2"), r.err());
    assertEquals(2, send(9, "--user", "u", "--secret", "s").code(), "no MESSAGE");
  }

  @Test
  void connectionRefusedExitsOne() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliRun r = send(port, "--user", "u", "--secret", "s", "hi");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("cannot connect"), r.err());
  }

  private static SlmpNode node(Vertx vertx, Path dir, boolean legacy) throws Exception {
    SlmpNode node = new SlmpNode();
    JsonObject conf =
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", 0)
            .put("dataDir", dir.toString())
            .put("inbox", new JsonObject().put("print", false))
            .put("admin", new JsonObject().put("port", 0))
            .put("legacy", new JsonObject().put("enabled", legacy).put("secret", SECRET));
    await(vertx.deployVerticle(node, new DeploymentOptions().setConfig(conf)));
    return node;
  }

  @Test
  void againstANodeWithLegacyOn(Vertx vertx, @TempDir Path dir) throws Exception {
    SlmpNode node = node(vertx, dir, true);
    CliRun r = send(node.port(), "--user", "meter-9", "--secret", SECRET, "21.5", "C");
    assertEquals(0, r.code(), r.err());
    assertEquals("Response from server: Message received: 21.5 C\n", r.out());
    assertTrue(Files.readString(dir.resolve("inbox.jsonl")).contains("\"device\":\"meter-9\""));
    CliRun wrong = send(node.port(), "--user", "meter-9", "--secret", "guess", "x");
    assertEquals(1, wrong.code(), wrong.out());
  }

  @Test
  void againstANodeWithLegacyOff(Vertx vertx, @TempDir Path dir) throws Exception {
    SlmpNode node = node(vertx, dir, false);
    CliRun r = send(node.port(), "--user", "meter-9", "--secret", SECRET, "x");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains("legacy mode off"), r.err());
  }
}
