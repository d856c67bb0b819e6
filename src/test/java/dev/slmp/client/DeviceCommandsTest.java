package dev.slmp.client;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.cli.SlmpMain;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands to a device, end to end with a real node: the node sends them through {@code
 * slmp.out.<id>} (docs/event-bus.md) to a connected device, which is the Java client library, the
 * {@code send} command with {@code --linger}, or the Python device scripts/slmp1_client.py.
 */
class DeviceCommandsTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static TestNode node;

  @BeforeAll
  static void startNode() {
    vertx = Vertx.vertx();
    node = await(TestNode.start(vertx, dir.resolve("node"), new JsonObject()));
  }

  @AfterAll
  static void stopNode() {
    await(vertx.close());
  }

  private static JsonObject command(String topic, byte[] payload, boolean ack) {
    return new JsonObject()
        .put("topic", topic)
        .put("payload", Base64.getEncoder().encodeToString(payload))
        .put("ack", ack);
  }

  /** The node sends a command to {@code device}; its reply (the device's ACK status or WRITTEN). */
  private static String sendCommand(String device, JsonObject command) {
    return await(TestNode.requestOut(vertx, device, command)).body().getString("status");
  }

  /**
   * Verifies the client library's command handler answers with the status it returns: null is
   * ACCEPTED, REJECTED and NOT_DELIVERED as returned, a handler that throws NOT_DELIVERED.
   */
  @Test
  void clientAnswersCommandsAsTheHandlerSays() {
    DeviceIdentity id = node.derivedDevice("lib-device", Suite.X25519_CHACHA20POLY1305);
    List<String> seen = new CopyOnWriteArrayList<>();
    SlmpClient c =
        await(
            SlmpClient.connect(
                vertx,
                SlmpClient.Options.of("127.0.0.1", node.port(), id),
                null,
                (InboundMessage m) -> {
                  String text = new String(m.payload(), StandardCharsets.UTF_8);
                  seen.add(m.topic() + "=" + text);
                  return switch (text) {
                    case "reject" -> AckStatus.REJECTED;
                    case "later" -> AckStatus.NOT_DELIVERED;
                    case "boom" -> throw new IllegalStateException("handler failed");
                    default -> null;
                  };
                }));
    try {
      await(c.established());
      byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
      assertEquals("ACCEPTED", sendCommand("lib-device", command("cmd/a", b, true)));
      assertEquals(
          "REJECTED", sendCommand("lib-device", command("cmd/b", TestNode.utf8("reject"), true)));
      assertEquals(
          "NOT_DELIVERED",
          sendCommand("lib-device", command("cmd/c", TestNode.utf8("later"), true)));
      assertEquals(
          "NOT_DELIVERED",
          sendCommand("lib-device", command("cmd/d", TestNode.utf8("boom"), true)));
      assertEquals(
          List.of("cmd/a=ok", "cmd/b=reject", "cmd/c=later", "cmd/d=boom"), List.copyOf(seen));
      // the connection is still fine: its own message is ACKed
      assertEquals(AckStatus.ACCEPTED, await(c.sendWithAck("t", b)));
    } finally {
      await(c.close());
    }
  }

  /**
   * Verifies {@code send --ack --linger 5} prints each command sent to it while it lingers as one
   * line (text, or base64 for a binary payload), answers ACCEPTED, and exits 0 when the time is up;
   * its device key comes from a file.
   */
  @Test
  void sendPrintsAndAcceptsCommandsWhileLingering() throws Exception {
    String device = "cli-device";
    Path keyFile = dir.resolve("cli-device.key");
    Files.writeString(
        keyFile, Bytes.hex(node.derivedDevice(device, Suite.P256_FERNET).deviceKey()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () ->
                SlmpMain.run(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    "send",
                    "--port",
                    String.valueOf(node.port()),
                    "--server-key",
                    Bytes.hex(node.key(Suite.P256_FERNET).publicKey()),
                    "--device",
                    device,
                    "--device-key-file",
                    keyFile.toString(),
                    "--ack",
                    "--linger",
                    "5",
                    "reading",
                    "21.5"));
    Eventually.until(
        () -> out.toString(StandardCharsets.UTF_8).contains("ack seq=1 ACCEPTED"),
        Duration.ofSeconds(30),
        () -> "the ACK of send's own message; out: " + out + " err: " + err);
    assertEquals("ACCEPTED", sendCommand(device, command("cmd/led", TestNode.utf8("on"), true)));
    assertEquals(
        "WRITTEN", sendCommand(device, command("cmd/bin", new byte[] {0, 1, (byte) 0xff}, false)));
    assertEquals(0, code.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    assertEquals(
        List.of(
            "connected: full handshake, suite P256_FERNET",
            "sent seq=1 topic= bytes=12",
            "ack seq=1 ACCEPTED",
            "command topic=cmd/led payload=on",
            "command topic=cmd/bin payload=AAH/"),
        List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Verifies the Python device with {@code --ack --linger} prints the same line for a command,
   * answers ACCEPTED and exits 0; its device key comes from {@code SLMP_DEVICE_KEY}.
   */
  @Test
  void pythonDevicePrintsAndAcceptsCommands() throws Exception {
    String device = "py-device";
    List<String> cmd =
        List.of(
            "python3",
            "-u",
            Path.of("scripts", "slmp1_client.py").toAbsolutePath().toString(),
            "--port",
            String.valueOf(node.port()),
            "--server-key",
            Bytes.hex(node.key(Suite.X25519_CHACHA20POLY1305).publicKey()),
            "--device",
            device,
            "--suite",
            "3",
            "--ack",
            "--linger",
            "5",
            "hello");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment()
        .put(
            "SLMP_DEVICE_KEY",
            Bytes.hex(node.derivedDevice(device, Suite.X25519_CHACHA20POLY1305).deviceKey()));
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
        if (l.equals("ack seq=1 ACCEPTED")) {
          assertEquals(
              "ACCEPTED",
              sendCommand(device, command("cmd/\u00e9", TestNode.utf8("caf\u00e9"), true)));
          assertEquals(
              "ACCEPTED", sendCommand(device, command("cmd/nl", TestNode.utf8("a\nb"), true)));
        }
      }
    } finally {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    assertEquals(
        List.of(
            "full handshake",
            "ack seq=1 ACCEPTED",
            "command topic=cmd/\u00e9 payload=caf\u00e9",
            "command topic=cmd/nl payload=YQpi"),
        lines);
  }
}
