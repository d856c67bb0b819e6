package dev.slmp.client;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.cli.SlmpMain;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Pem;
import dev.slmp.crypto.Suite;
import dev.slmp.testkit.CliRun;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code send} end to end, in-process through {@link SlmpMain#run}, against the test server. */
@ExtendWith(VertxExtension.class)
class SendCommandTest {
  private static final String DEVICE = "sensor-7";

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void startServer(Vertx vertx) throws Exception {
    server = await(TestServer.start(vertx));
  }

  private CliRun send(String serverKey, String deviceKeyHex, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "send",
                "--port",
                String.valueOf(server.port()),
                "--server-key",
                serverKey,
                "--device",
                DEVICE,
                "--device-key",
                deviceKeyHex));
    args.addAll(List.of(more));
    return CliRun.of(args);
  }

  private String keyHex(Suite suite) {
    return Bytes.hex(server.publicKey(suite));
  }

  private String deviceKeyHex() {
    return Bytes.hex(server.deviceKey(DEVICE));
  }

  /**
   * Verifies the output lines of a send with --ack, with the server key in hex, and the joined
   * payload.
   */
  @Test
  void sendsAndReportsAck() {
    CliRun r =
        send(
            keyHex(Suite.X25519_CHACHA20POLY1305),
            deviceKeyHex(),
            "--topic",
            "t/1",
            "--ack",
            "Hello",
            "SLMP!");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        List.of(
            "connected: full handshake, suite X25519_CHACHA20POLY1305",
            "sent seq=1 topic=t/1 bytes=11",
            "ack seq=1 ACCEPTED"),
        r.lines());
    assertEquals("", r.err());
    assertEquals("t/1", server.lastMessage().topic());
    assertArrayEquals(
        "Hello SLMP!".getBytes(StandardCharsets.UTF_8), server.lastMessage().payload());
  }

  /**
   * Verifies a send without --ack, to the default (empty) topic, still delivers before the command
   * returns.
   */
  @Test
  void sendsWithoutAck() {
    CliRun r = send(keyHex(Suite.P256_FERNET), deviceKeyHex(), "ping");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        List.of("connected: full handshake, suite P256_FERNET", "sent seq=1 topic= bytes=4"),
        r.lines());
    assertEquals(1, server.messages.size());
    assertFalse(server.lastMessage().ackRequested());
  }

  /**
   * Verifies that --state is written with mode 600 and reused: the second run resumes with 0-RTT
   * data.
   */
  @Test
  void stateFileResumes() throws Exception {
    Path state = dir.resolve("ticket.json");
    CliRun first =
        send(
            keyHex(Suite.P256_AES128GCM),
            deviceKeyHex(),
            "--suite",
            "2",
            "--state",
            state.toString(),
            "--ack",
            "one");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().startsWith("connected: full handshake, suite P256_AES128GCM\n"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    JsonObject j = new JsonObject(Files.readString(state));
    assertEquals(DEVICE, j.getString("device_id"));
    assertEquals(Bytes.hex(server.p256.keyId()), j.getString("server_key_id"));
    assertEquals(0L, j.getLong("counter"));

    CliRun second =
        send(
            keyHex(Suite.P256_AES128GCM),
            deviceKeyHex(),
            "--suite",
            "2",
            "--state",
            state.toString(),
            "--ack",
            "two");
    assertEquals(0, second.code(), second.err());
    assertEquals(
        List.of(
            "connected: resumed session " + j.getString("session_id").substring(0, 8),
            "sent seq=1 topic= bytes=3",
            "ack seq=1 ACCEPTED"),
        second.lines());
    assertTrue(server.lastMessage().early());
    assertEquals(1L, new JsonObject(Files.readString(state)).getLong("counter"));
    for (CliRun r : List.of(first, second)) { // no secret is ever printed
      assertFalse((r.out() + r.err()).contains(j.getString("rs")));
      assertFalse((r.out() + r.err()).contains(deviceKeyHex()));
    }
  }

  /**
   * Verifies that a ticket the server forgot falls back to a full handshake that still delivers the
   * message.
   */
  @Test
  void staleTicketFallsBackToFullHandshake() throws Exception {
    Path state = dir.resolve("ticket.json");
    assertEquals(
        0,
        send(
                keyHex(Suite.X25519_CHACHA20POLY1305),
                deviceKeyHex(),
                "--state",
                state.toString(),
                "old")
            .code());
    String oldSession = new JsonObject(Files.readString(state)).getString("session_id");
    server.clearSessions();

    CliRun r =
        send(
            keyHex(Suite.X25519_CHACHA20POLY1305),
            deviceKeyHex(),
            "--state",
            state.toString(),
            "--ack",
            "again");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("resume refused (SESSION_UNKNOWN)"), r.err());
    assertEquals(
        List.of(
            "connected: full handshake, suite X25519_CHACHA20POLY1305",
            "sent seq=1 topic= bytes=5",
            "ack seq=1 ACCEPTED"),
        r.lines());
    assertEquals(2, server.messages.size());
    assertFalse(server.lastMessage().early());
    assertFalse(oldSession.equals(new JsonObject(Files.readString(state)).getString("session_id")));
  }

  /** Verifies that BUSY on resume keeps the ticket and exits 110. */
  @Test
  void busyKeepsTicket() throws Exception {
    Path state = dir.resolve("ticket.json");
    assertEquals(
        0,
        send(keyHex(Suite.P256_FERNET), deviceKeyHex(), "--state", state.toString(), "old").code());
    server.storeUnavailable();
    CliRun r =
        send(keyHex(Suite.P256_FERNET), deviceKeyHex(), "--state", state.toString(), "later");
    assertEquals(110, r.code(), r.err());
    assertTrue(r.err().startsWith("error: server closed the connection: BUSY (0x0A)"), r.err());
    assertEquals(1L, new JsonObject(Files.readString(state)).getLong("counter"));
  }

  /**
   * Verifies that a wrong device key exits 105 with an error line, and an unknown server key 104.
   */
  @Test
  void rejectedCredentialsExitWithCloseCode() {
    CliRun r = send(keyHex(Suite.P256_FERNET), "00".repeat(32), "hi");
    assertEquals(105, r.code());
    assertEquals("", r.out());
    assertTrue(
        r.err().startsWith("error: server closed the connection: AUTH_FAILED (0x05)"), r.err());

    byte[] otherKey =
        DhGroup.x25519()
            .publicKey(DhGroup.x25519().generatePrivate(new java.security.SecureRandom()));
    CliRun unknown = send(Bytes.hex(otherKey), deviceKeyHex(), "hi");
    assertEquals(104, unknown.code(), unknown.err());
  }

  /** Verifies --server-key as a PEM file, for both groups, and with an explicit matching suite. */
  @Test
  void serverKeyAsPemFile() throws Exception {
    Path p256 = dir.resolve("server-p256.pub");
    Files.writeString(
        p256,
        Pem.encode(Pem.PUBLIC_KEY, Pem.publicToSpki(DhGroup.p256(), server.p256.publicKey())));
    Path x25519 = dir.resolve("server-x25519.pub");
    Files.writeString(
        x25519,
        Pem.encode(Pem.PUBLIC_KEY, Pem.publicToSpki(DhGroup.x25519(), server.x25519.publicKey())));

    CliRun r = send(p256.toString(), deviceKeyHex(), "--ack", "pem");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("connected: full handshake, suite P256_FERNET\n"), r.out());
    CliRun x = send(x25519.toString(), deviceKeyHex(), "--suite", "3", "--ack", "pem");
    assertEquals(0, x.code(), x.err());
    assertTrue(
        x.out().startsWith("connected: full handshake, suite X25519_CHACHA20POLY1305\n"), x.out());

    Path junk = dir.resolve("junk.pub");
    Files.writeString(junk, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    CliRun bad = send(junk.toString(), deviceKeyHex(), "x");
    assertEquals(1, bad.code());
    assertTrue(bad.err().startsWith("error: --server-key"), bad.err());
  }

  /** Verifies usage errors exit 2 with the usage line, and an unreachable server exits 1. */
  @Test
  void usageAndConnectionErrors() {
    String hex = keyHex(Suite.P256_FERNET);
    for (String[] extra :
        List.of(
            new String[] {},
            new String[] {"--suite", "3", "msg"},
            new String[] {"--bogus", "msg"},
            new String[] {"--suite", "9", "msg"})) {
      CliRun r = send(hex, deviceKeyHex(), extra);
      assertEquals(2, r.code(), String.join(" ", extra));
      assertTrue(r.err().contains("usage: java -jar slmp-fat.jar send "), r.err());
    }
    CliRun shortKey = send(hex, "abcd", "msg");
    assertEquals(2, shortKey.code());
    assertFalse(shortKey.err().contains("abcd"));

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SlmpMain.run(
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "send",
            "--port",
            "1",
            "--server-key",
            hex,
            "--device",
            DEVICE,
            "--device-key",
            deviceKeyHex(),
            "msg");
    assertEquals(1, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).startsWith("error: cannot connect to 127.0.0.1:1"),
        err.toString());
  }
}
