package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Devices whose TCP stack half-closes (FIN after the flight, {@code shutdown(SHUT_WR)}) still get
 * every frame the spec owes them, then the node's CLOSE and its FIN. Real sockets on 127.0.0.1, a
 * real node.
 */
class HalfCloseTest {
  private static Vertx vertx;
  private static TestNode node;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("slmp-halfclose");
    node = TestNode.start(vertx, dir, new JsonObject()).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** A device on a blocking socket: what it writes goes to {@code out} until the test sends it. */
  private static final class Device {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<Object[]> acks = new ArrayList<>();
    DeviceTicket ticket;
    final DeviceConnection connection;

    Device(DeviceIdentity id) {
      connection =
          new DeviceConnection(
              id,
              Randomness.secure(),
              65536,
              new DeviceConnection.Listener() {
                @Override
                public void write(byte[] bytes) {
                  out.writeBytes(bytes);
                }

                @Override
                public void established(DeviceConnection c, DeviceTicket t) {
                  ticket = t;
                }

                @Override
                public void message(InboundMessage m) {}

                @Override
                public void acknowledged(long seq, boolean early, AckStatus status) {
                  acks.add(new Object[] {seq, early, status});
                }

                @Override
                public void closed(CloseCode code, String reason, boolean byPeer) {}
              });
    }

    byte[] take() {
      byte[] b = out.toByteArray();
      out.reset();
      return b;
    }
  }

  private static Frame readFrame(DataInputStream in) throws IOException {
    byte[] h = new byte[4];
    in.readFully(h);
    byte[] body = new byte[((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF)];
    in.readFully(body);
    return new Frame(h[0] & 0xFF, body);
  }

  /** Every frame until the node's FIN; fails if the node resets instead. */
  private static List<Frame> readUntilEnd(DataInputStream in) throws IOException {
    List<Frame> frames = new ArrayList<>();
    while (true) {
      try {
        frames.add(readFrame(in));
      } catch (EOFException end) {
        return frames;
      }
    }
  }

  private static List<Integer> types(List<Frame> frames) {
    return frames.stream().map(Frame::type).toList();
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", node.port());
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * A full handshake whose AUTH and DATA(ACK_REQUESTED) go out behind one FIN; returns the node's
   * answers.
   */
  private static List<Frame> fullHandshakeThenFin(Device d, boolean corruptAuth)
      throws IOException {
    try (Socket s = connect()) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      d.connection.startFull();
      s.getOutputStream().write(d.take());
      Frame helloReply = readFrame(in);
      assertEquals(FrameType.HELLO_REPLY, helloReply.type(), () -> "got " + reason(helloReply));
      d.connection.receive(helloReply.encode());
      d.connection.sendData("t", "21.5".getBytes(StandardCharsets.UTF_8), true);
      byte[] flight = d.take();
      if (corruptAuth) {
        flight[10] ^= 1; // inside AUTH's sealed body
      }
      s.getOutputStream().write(flight);
      s.shutdownOutput();
      List<Frame> answers = readUntilEnd(in);
      for (Frame f : answers) {
        d.connection.receive(f.encode());
      }
      return answers;
    }
  }

  @Test
  void aDeviceThatHalfClosesAfterAuthAndDataGetsWelcomeItsAckAndAClose() throws IOException {
    // GIVEN a device that writes AUTH + DATA with ACK_REQUESTED and then half-closes
    Device d = new Device(node.derivedDevice("half-1", Suite.X25519_CHACHA20POLY1305));
    // WHEN it reads until the node's FIN
    List<Frame> answers = fullHandshakeThenFin(d, false);
    // THEN it got WELCOME, the ACK (ACCEPTED: the inbox has the message on disk), and CLOSE(NORMAL)
    assertEquals(List.of(FrameType.WELCOME, FrameType.ACK, FrameType.CLOSE), types(answers));
    assertEquals(1, d.acks.size());
    assertEquals(AckStatus.ACCEPTED, d.acks.get(0)[2]);
    assertEquals(CloseCode.NORMAL.code(), answers.get(2).body()[0] & 0xFF);
  }

  @Test
  void aResumingDeviceThatHalfClosesAfterEarlyDataGetsResumedAndTheAck() throws IOException {
    // GIVEN a session from a full handshake
    Device first = new Device(node.derivedDevice("half-2", Suite.P256_AES128GCM));
    fullHandshakeThenFin(first, false);
    assertNotNull(first.ticket, "the full handshake gave a session");
    // WHEN a new connection writes RESUME + EARLY DATA (ACK_REQUESTED) and half-closes
    Device again = new Device(node.derivedDevice("half-2", Suite.P256_AES128GCM));
    List<Frame> answers;
    try (Socket s = connect()) {
      again.connection.startResume(first.ticket.nextCounter());
      again.connection.sendData("t", "0-rtt".getBytes(StandardCharsets.UTF_8), true);
      s.getOutputStream().write(again.take());
      s.shutdownOutput();
      answers = readUntilEnd(new DataInputStream(s.getInputStream()));
    }
    for (Frame f : answers) {
      again.connection.receive(f.encode());
    }
    // THEN RESUMED, the early ACK, CLOSE(NORMAL)
    assertEquals(
        List.of(FrameType.RESUMED, FrameType.ACK, FrameType.CLOSE),
        types(answers),
        () ->
            "close: " + new String(answers.get(answers.size() - 1).body(), StandardCharsets.UTF_8));
    assertEquals(List.of(1L, true, AckStatus.ACCEPTED), List.of(again.acks.get(0)));
  }

  @Test
  void aFaultInAHalfClosedFlightGetsTheCloseCodeOfTheFirstFault() throws IOException {
    // GIVEN the same flight, once with a corrupted AUTH over a connection that stays open, to learn
    // the node's code
    Device open = new Device(node.derivedDevice("half-3", Suite.P256_FERNET));
    int expected;
    try (Socket s = connect()) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      open.connection.startFull();
      s.getOutputStream().write(open.take());
      open.connection.receive(readFrame(in).encode());
      open.connection.sendData("t", "x".getBytes(StandardCharsets.UTF_8), true);
      byte[] flight = open.take();
      flight[10] ^= 1;
      s.getOutputStream().write(flight);
      Frame close = readFrame(in);
      assertEquals(FrameType.CLOSE, close.type());
      expected = close.body()[0] & 0xFF;
    }
    assertTrue(expected != CloseCode.NORMAL.code());
    // WHEN the corrupted flight ends with a FIN
    List<Frame> answers =
        fullHandshakeThenFin(new Device(node.derivedDevice("half-3", Suite.P256_FERNET)), true);
    // THEN the answer is that CLOSE, alone: nothing after the first fault is processed
    assertEquals(List.of(FrameType.CLOSE), types(answers));
    assertEquals(expected, answers.get(0).body()[0] & 0xFF);
  }

  @Test
  void aFlightThatEndsInsideAFrameGetsItsAnswersThenProtocolError() throws IOException {
    Device d = new Device(node.derivedDevice("half-4", Suite.X25519_CHACHA20POLY1305));
    try (Socket s = connect()) {
      d.connection.startFull();
      byte[] hello = d.take();
      // GIVEN a HELLO followed by the first 3 bytes of a PING header, then FIN
      byte[] flight = new byte[hello.length + 3];
      System.arraycopy(hello, 0, flight, 0, hello.length);
      flight[hello.length] = (byte) FrameType.PING;
      s.getOutputStream().write(flight);
      s.shutdownOutput();
      // THEN HELLO_REPLY, and CLOSE(PROTOCOL_ERROR) for the torn frame
      List<Frame> answers = readUntilEnd(new DataInputStream(s.getInputStream()));
      assertEquals(List.of(FrameType.HELLO_REPLY, FrameType.CLOSE), types(answers));
      assertEquals(CloseCode.PROTOCOL_ERROR.code(), answers.get(1).body()[0] & 0xFF);
    }
  }

  @Test
  void aPingBehindAFinIsAnsweredWithPong() throws IOException {
    Device d = new Device(node.derivedDevice("half-5", Suite.X25519_CHACHA20POLY1305));
    try (Socket s = connect()) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      d.connection.startFull();
      s.getOutputStream().write(d.take());
      d.connection.receive(readFrame(in).encode());
      // AUTH, then a PING behind it (the device library pings only once established: the frame is
      // written raw)
      s.getOutputStream().write(d.take());
      s.getOutputStream().write(new Frame(FrameType.PING, new byte[0]).encode());
      s.shutdownOutput();
      assertEquals(
          List.of(FrameType.WELCOME, FrameType.PONG, FrameType.CLOSE), types(readUntilEnd(in)));
    }
  }

  /**
   * Verifies that single bytes do not reset the idle timer, complete frames do (spec 6: "any
   * frame"): a device that trickles a frame one byte at a time is closed TIMEOUT after 2 x
   * keepalive.
   */
  @Test
  void bytesThatNeverCompleteAFrameDoNotKeepAConnectionAlive()
      throws IOException, InterruptedException {
    // GIVEN a node with a 1 s keep-alive (its own Vert.x: nodes on one Vert.x share the internal
    // addresses)
    Vertx own = Vertx.vertx();
    TestNode quick =
        TestNode.start(
                own,
                Files.createTempDirectory("slmp-idle"),
                new JsonObject().put("keepaliveSeconds", 1))
            .await();
    Device d = new Device(quick.derivedDevice("trickle", Suite.X25519_CHACHA20POLY1305));
    try (Socket s = new Socket("127.0.0.1", quick.port())) {
      s.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(s.getInputStream());
      d.connection.startFull();
      s.getOutputStream().write(d.take());
      d.connection.receive(readFrame(in).encode());
      s.getOutputStream().write(d.take());
      assertEquals(FrameType.WELCOME, readFrame(in).type());
      // WHEN it sends one byte of a 1,000-byte frame every 200 ms (a header, then body bytes)
      long start = System.nanoTime();
      byte[] header = {(byte) FrameType.DATA, 0, 0x03, (byte) 0xE8};
      s.setSoTimeout(200);
      Frame close = null;
      for (int i = 0; close == null && System.nanoTime() - start < 8_000_000_000L; i++) {
        s.getOutputStream().write(i < 4 ? header[i] : 0);
        try {
          close = readFrame(in);
        } catch (java.net.SocketTimeoutException stillOpen) {
          // not closed yet: the next byte
        }
      }
      // THEN the node closes it TIMEOUT (idle for more than 2 x keepalive), bytes or not
      assertNotNull(close, "closed within 8 s");
      assertEquals(FrameType.CLOSE, close.type());
      assertEquals(CloseCode.TIMEOUT.code(), close.body()[0] & 0xFF);
    } finally {
      own.close().await();
    }
  }

  private static String reason(Frame f) {
    return f.type() + " " + new String(f.body(), StandardCharsets.UTF_8);
  }
}
