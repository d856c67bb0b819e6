package dev.slmp.bridge;

import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.TestNode.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.InboundMessage;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.LogCapture;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile framing on the bridge ({@code bridge.maxFrameBytes} = 1024): every bad frame is answered
 * with one {@code err} frame naming the problem and the connection closed; what came before it on
 * that connection was acted on, nothing of it was, and other clients go on.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeFramesTest {
  private static final int MAX = 1024;
  @TempDir static Path dataDir;
  static TestNode node;
  static int bridgePort;
  static final List<InboundMessage> toDevice = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startNode(Vertx vertx) throws Exception {
    bridgePort = TestNode.freePort();
    node =
        await(
            TestNode.start(
                vertx,
                dataDir,
                new JsonObject()
                    .put("inbox", new JsonObject().put("enabled", false))
                    .put(
                        "bridge",
                        new JsonObject()
                            .put("enabled", true)
                            .put("port", bridgePort)
                            .put("maxFrameBytes", MAX))));
    await(node.client("framed", toDevice::add));
  }

  private static byte[] command(String text) {
    return BridgeClient.framed(
        new JsonObject()
            .put("type", "send")
            .put("address", "slmp.out.framed")
            .put(
                "body",
                new JsonObject()
                    .put("topic", "cmd/" + text)
                    .put("payload", Base64.getEncoder().encodeToString(utf8(text)))));
  }

  private static byte[] lengthThen(int length, byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(length).put(body).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A client that presented the token (its register was answered by a pong). */
  private static BridgeClient admitted() throws IOException {
    BridgeClient c = new BridgeClient(bridgePort, dataDir);
    assertEquals("pong", c.register("slmp.in").getString("type"));
    return c;
  }

  /** The topics the device received, in order, once {@code count} arrived. */
  private static List<String> topicsOnceThereAre(int count) {
    Eventually.until(() -> toDevice.size() >= count, Await.TIMEOUT, count + " commands arrived");
    return toDevice.stream().map(InboundMessage::topic).toList();
  }

  /**
   * Verifies each bad frame, sent after a good command in the same write, gets its err frame and a
   * close; the command before it reached the device; a well-behaved client goes on meanwhile.
   */
  @Test
  void badFramesAreAnsweredWithAnErrFrameAndAClose() throws Exception {
    byte[] tooLarge = new byte[MAX + 1];
    java.util.Arrays.fill(tooLarge, (byte) ' ');
    tooLarge[0] = '{';
    tooLarge[MAX] = '}';
    Object[][] cases = {
      {"a length of 2 GiB", lengthThen(Integer.MAX_VALUE, new byte[0]), "frame too large"},
      {"a body over the limit", lengthThen(MAX + 1, tooLarge), "frame too large"},
      {"a length of 0", lengthThen(0, new byte[0]), "invalid frame length 0"},
      {"a negative length", lengthThen(0x80000000, new byte[8]), "invalid frame length"},
      {"not JSON", lengthThen(8, utf8("not json")), "frame is not a JSON object"},
      {"a JSON array", lengthThen(2, utf8("[]")), "frame is not a JSON object"},
      {"an unknown type", BridgeClient.framed(new JsonObject().put("type", "x")), "frame type"},
      {
        "a number as address",
        BridgeClient.framed(new JsonObject().put("type", "send").put("address", 7)),
        "frame field 'address' must be a string"
      },
      {
        "a codec header",
        BridgeClient.framed(
            new JsonObject()
                .put("type", "send")
                .put("address", "slmp.out.framed")
                .put("headers", new JsonObject().put("codecName", "nope"))),
        "frame header 'codecName' not accepted"
      },
    };
    LogCapture log = LogCapture.of(BridgeFrameReader.class.getName());
    try (BridgeClient observer = admitted()) {
      int n = 0;
      for (Object[] c : cases) {
        String what = (String) c[0];
        try (BridgeClient bad = admitted()) {
          // WHEN a command and then the bad frame arrive in one write
          bad.raw(concat(command("before-" + n), (byte[]) c[1]));
          // THEN one err frame names the problem, and the connection is closed
          JsonObject err = bad.next();
          assertEquals("err", err.getString("type"), what);
          assertTrue(err.getString("message").startsWith((String) c[2]), what + ": " + err);
          assertThrows(EOFException.class, bad::next, what);
          // AND the command before it was acted on
          assertEquals("cmd/before-" + n, topicsOnceThereAre(n + 1).get(n), what);
          n++;
        }
        // AND the other client was not disturbed
        observer.send(new JsonObject().put("type", "ping"));
        assertEquals("pong", observer.next().getString("type"), what);
      }
      assertTrue(log.lines.stream().anyMatch(l -> l.contains("closed: frame too large")), "logged");
      assertTrue(log.lines.stream().noneMatch(l -> l.contains("not json")), "no content logged");
    } finally {
      log.close();
    }
  }

  /**
   * Verifies a frame cut short by the client's close is never acted on and costs nothing else: the
   * next command, from another client, is the device's next message.
   */
  @Test
  void aTruncatedFrameIsNeverActedOn() throws Exception {
    int before = toDevice.size();
    try (BridgeClient cut = admitted()) {
      byte[] whole = command("truncated");
      cut.raw(java.util.Arrays.copyOf(whole, whole.length / 2));
    }
    try (BridgeClient next = admitted()) {
      next.raw(command("after-truncated"));
      assertEquals("cmd/after-truncated", topicsOnceThereAre(before + 1).get(before));
    }
  }

  /** Verifies a frame of exactly the limit, split over many writes, is acted on. */
  @Test
  void aFrameOfExactlyTheLimitInPiecesIsActedOn() throws Exception {
    int before = toDevice.size();
    JsonObject frame =
        new JsonObject()
            .put("type", "send")
            .put("address", "slmp.out.framed")
            .put("body", new JsonObject().put("topic", "cmd/full").put("payload", ""));
    int pad = MAX - frame.encode().getBytes(StandardCharsets.UTF_8).length;
    frame.getJsonObject("body").put("payload", "A".repeat(pad - pad % 4));
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    byte[] padded = java.util.Arrays.copyOf(json, MAX);
    java.util.Arrays.fill(padded, json.length, MAX, (byte) ' ');
    byte[] bytes = lengthThen(MAX, padded);
    try (BridgeClient c = admitted()) {
      for (int i = 0; i < bytes.length; i += 100) {
        c.raw(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 100)));
      }
      assertEquals("cmd/full", topicsOnceThereAre(before + 1).get(before));
    }
  }
}
