package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.FrameType;
import dev.slmp.testkit.Eventually;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-source limits on a real node, answered {@code CLOSE(BUSY, "… retry in N s")} before the
 * device sent anything, so before any Diffie-Hellman; and the PROXY protocol, through which the
 * limits see the device's own address.
 */
class SourceLimitsNodeTest {
  private Vertx vertx;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    vertx.close().await();
  }

  private TestNode node(JsonObject overrides) throws IOException {
    return TestNode.start(vertx, Files.createTempDirectory("slmp-limits"), overrides).await();
  }

  private Socket open(TestNode node) throws IOException {
    Socket s = new Socket("127.0.0.1", node.port());
    s.setSoTimeout(10_000);
    sockets.add(s);
    return s;
  }

  /** The CLOSE the node sends first, as "code reason". */
  private static String closeOf(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] h = new byte[4];
    in.readFully(h);
    byte[] body = new byte[((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF)];
    in.readFully(body);
    assertEquals(FrameType.CLOSE, h[0] & 0xFF);
    return CloseCode.of(body[0] & 0xFF)
        + " "
        + new String(body, 1, body.length - 1, StandardCharsets.UTF_8);
  }

  /**
   * Nothing arrives within a short read: the connection was admitted and waits for the device's
   * HELLO.
   */
  private static boolean admitted(Socket s) throws IOException {
    s.setSoTimeout(300);
    try {
      s.getInputStream().read(); // data or the end: not waiting for a HELLO
      return false;
    } catch (SocketTimeoutException waiting) {
      return true;
    } finally {
      s.setSoTimeout(10_000);
    }
  }

  @Test
  void handshakesInProgressFromOneSourceAreCapped() throws IOException {
    // GIVEN a node that allows 2 handshakes in progress per source
    TestNode node =
        node(new JsonObject().put("limits", new JsonObject().put("handshakesPerSource", 2)));
    // WHEN one address holds 2 handshakes open and opens a third
    Socket a = open(node);
    Socket b = open(node);
    assertTrue(admitted(a) && admitted(b));
    Socket c = open(node);
    // THEN the third gets BUSY with a retry time, before it sent a byte
    assertEquals("BUSY too many handshakes from your address; retry in 1 s", closeOf(c));
    // AND once one of the first two is gone, a new one is admitted
    a.close();
    Eventually.until(
        () -> node.services().sources().inProgress("127.0.0.1") == 1,
        java.time.Duration.ofSeconds(10),
        "the slot freed");
    assertTrue(admitted(open(node)));
  }

  @Test
  void newConnectionsFromOneSourceAreRateLimited() throws IOException {
    // GIVEN a burst of 3 and 1 connection per second
    TestNode node =
        node(
            new JsonObject()
                .put(
                    "limits",
                    new JsonObject().put("helloRatePerSource", 1).put("helloBurstPerSource", 3)));
    for (int i = 0; i < 3; i++) {
      assertTrue(admitted(open(node)), "burst connection " + i);
    }
    // WHEN a fourth arrives at once  THEN BUSY
    assertTrue(
        closeOf(open(node)).startsWith("BUSY too many handshakes from your address; retry in "));
  }

  @Test
  void handshakeTimeoutsCountAsFailuresOfTheirSource() throws IOException {
    // GIVEN a node that blocks a source after 2 failures and times handshakes out after 200 ms
    TestNode node =
        node(
            new JsonObject()
                .put("handshakeTimeoutMs", 200)
                .put(
                    "limits",
                    new JsonObject()
                        .put("failedAuthPerMinute", 2)
                        .put("failedAuthBlockSeconds", 60)));
    // WHEN two connections let their handshake time out
    for (int i = 0; i < 2; i++) {
      assertEquals("TIMEOUT handshake not complete in time", closeOf(open(node)));
    }
    // THEN the source is blocked
    Eventually.until(
        () -> node.services().failedAuth().blockedSeconds("127.0.0.1") > 0,
        java.time.Duration.ofSeconds(10),
        "the source blocked");
    assertTrue(closeOf(open(node)).startsWith("BUSY too many failed authentications; retry in "));
  }

  @Test
  void withTheProxyProtocolTheLimitsSeeTheDevicesAddress() throws IOException {
    // GIVEN a node behind an L4 load balancer that allows one handshake in progress per source
    TestNode node =
        node(
            new JsonObject()
                .put("proxyProtocol", true)
                .put("limits", new JsonObject().put("handshakesPerSource", 1)));
    // WHEN two connections arrive from the balancer's address on behalf of one device address, and
    // one for another
    Socket first = proxied(node, "10.1.2.3");
    Socket second = proxied(node, "10.1.2.3");
    Socket other = proxied(node, "10.1.2.4");
    // THEN the limit counts the device addresses, not the balancer's
    assertTrue(admitted(first));
    assertEquals("BUSY too many handshakes from your address; retry in 1 s", closeOf(second));
    assertTrue(admitted(other));
  }

  @Test
  void withTheProxyProtocolAConnectionWithoutAHeaderIsClosed() throws IOException {
    TestNode node = node(new JsonObject().put("proxyProtocol", true));
    Socket s = open(node);
    OutputStream out = s.getOutputStream();
    out.write("HELLO, not a PROXY header\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    try {
      assertEquals(-1, s.getInputStream().read(), "closed without an answer");
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    }
  }

  private Socket proxied(TestNode node, String deviceAddress) throws IOException {
    Socket s = open(node);
    s.getOutputStream()
        .write(
            ("PROXY TCP4 " + deviceAddress + " 127.0.0.1 40000 " + node.port() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }
}
