package dev.slmp.client;

import static dev.slmp.testkit.Await.await;
import static dev.slmp.testkit.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.Await;
import dev.slmp.testkit.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SlmpClient against a real ServerConnection over TCP on 127.0.0.1, with real keys and crypto. */
@ExtendWith(VertxExtension.class)
class SlmpClientTest {
  private TestServer server;

  @BeforeEach
  void startServer(Vertx vertx) throws Exception {
    server = await(TestServer.start(vertx));
  }

  /**
   * Verifies a full handshake with DATA pipelined behind AUTH, with and without ACK, for every
   * suite.
   */
  @ParameterizedTest
  @EnumSource(Suite.class)
  void fullHandshakeSendAndAck(Suite suite, Vertx vertx) throws Exception {
    SlmpClient c =
        await(
            SlmpClient.connect(
                vertx, server.options(server.identity("dev-" + suite.id(), suite)), null));
    Future<Long> plain = c.send("t/plain", bytes("one"));
    Future<AckStatus> acked = c.sendWithAck("t/ack", bytes("two"));

    DeviceTicket ticket = await(c.established());
    assertNotNull(ticket);
    assertEquals(suite, ticket.suite());
    assertEquals(1L, await(plain));
    assertEquals(AckStatus.ACCEPTED, await(acked));
    assertEquals(AckStatus.ACCEPTED, await(c.sendWithAck("t/after", bytes("three"))));

    assertEquals(3, server.messages.size());
    InboundMessage first = server.messages.get(0);
    assertEquals("dev-" + suite.id(), first.deviceId());
    assertEquals("t/plain", first.topic());
    assertArrayEquals(bytes("one"), first.payload());
    assertFalse(first.ackRequested());
    assertFalse(first.early());
    assertTrue(server.messages.get(1).ackRequested());

    await(c.close());
    SlmpClosedException why = await(c.closed());
    assertEquals(CloseCode.NORMAL, why.code());
    assertFalse(why.byPeer());
  }

  /**
   * Verifies 0-RTT: a ticket from an earlier connection resumes, early DATA arrives and both ACK
   * kinds resolve.
   */
  @ParameterizedTest
  @EnumSource(Suite.class)
  void resumeWithEarlyData(Suite suite, Vertx vertx) throws Exception {
    DeviceIdentity id = server.identity("sleepy", suite);
    SlmpClient first = await(SlmpClient.connect(vertx, server.options(id), null));
    DeviceTicket ticket = await(first.established());
    await(first.close());

    DeviceTicket next = ticket.nextCounter();
    List<Future<?>> flight =
        firstFlight(
            vertx,
            server.options(id),
            next,
            c ->
                List.of(
                    c.sendWithAck("t/early", bytes("zero-rtt")),
                    c.send("t/early", bytes("no ack"))));
    SlmpClient c = await(flight.get(0).map(x -> (SlmpClient) x));
    Future<?> early = flight.get(1);
    Future<?> earlyPlain = flight.get(2);
    assertEquals(next, await(c.established()));
    assertEquals(AckStatus.ACCEPTED, await(early));
    assertEquals(2L, await(earlyPlain));
    assertEquals(AckStatus.ACCEPTED, await(c.sendWithAck("t/late", bytes("1-rtt"))));

    assertEquals(3, server.messages.size());
    assertTrue(server.messages.get(0).early());
    assertArrayEquals(bytes("zero-rtt"), server.messages.get(0).payload());
    assertTrue(server.messages.get(1).early());
    assertFalse(server.messages.get(2).early());
    assertArrayEquals(ticket.sessionId(), server.messages.get(2).sessionId());
    await(c.close());
  }

  /**
   * Verifies that a resume the server no longer knows fails with SESSION_UNKNOWN, and so do its
   * early ACKs.
   */
  @Test
  void unknownSessionIsRefused(Vertx vertx) throws Exception {
    DeviceIdentity id = server.identity("forgotten", Suite.X25519_CHACHA20POLY1305);
    SlmpClient first = await(SlmpClient.connect(vertx, server.options(id), null));
    DeviceTicket ticket = await(first.established());
    await(first.close());
    server.clearSessions();

    List<Future<?>> flight =
        firstFlight(
            vertx,
            server.options(id),
            ticket.nextCounter(),
            c -> List.of(c.sendWithAck("t", bytes("lost"))));
    SlmpClient c = await(flight.get(0).map(x -> (SlmpClient) x));
    Future<?> early = flight.get(1);
    SlmpClosedException e = failure(SlmpClosedException.class, c.established());
    assertEquals(CloseCode.SESSION_UNKNOWN, e.code());
    assertTrue(e.byPeer());
    assertEquals(e, failure(SlmpClosedException.class, early));
    assertEquals(e, await(c.closed()));
    assertEquals(0, server.messages.size());
  }

  /**
   * Verifies that a wrong device key gets the server's AUTH_FAILED and that pipelined DATA is
   * dropped.
   */
  @Test
  void wrongDeviceKeyIsRejected(Vertx vertx) throws Exception {
    byte[] wrongKey = new byte[32];
    Randomness.threadRandom().nextBytes(wrongKey);
    DeviceIdentity id =
        new DeviceIdentity("dev-1", wrongKey, Suite.P256_FERNET, server.p256.publicKey());
    SlmpClient c = await(SlmpClient.connect(vertx, server.options(id), null));
    Future<AckStatus> acked = c.sendWithAck("t", bytes("never"));

    SlmpClosedException e = failure(SlmpClosedException.class, c.established());
    assertEquals(CloseCode.AUTH_FAILED, e.code());
    assertTrue(e.byPeer());
    assertEquals(
        "server closed the connection: AUTH_FAILED (0x05) authentication failed", e.getMessage());
    assertEquals(e, failure(SlmpClosedException.class, acked));
    assertEquals(e, await(c.closed()));
    assertEquals(0, server.messages.size());
  }

  /**
   * Verifies that a server without the static private key fails the confirm check: the client
   * closes.
   */
  @ParameterizedTest
  @EnumSource(
      value = Suite.class,
      names = {"P256_AES128GCM", "X25519_CHACHA20POLY1305"})
  void impostorServerFailsConfirm(Suite suite, Vertx vertx) throws Exception {
    TestServer impostor = await(TestServer.impostor(vertx, server));
    DeviceIdentity id = server.identity("dev-1", suite);
    SlmpClient c = await(SlmpClient.connect(vertx, impostor.options(id), null));
    Future<Long> sent = c.send("t", bytes("secret"));

    SlmpClosedException e = failure(SlmpClosedException.class, c.established());
    assertEquals(CloseCode.AUTH_FAILED, e.code());
    assertFalse(e.byPeer());
    assertEquals(e, failure(SlmpClosedException.class, sent));
    assertEquals(e, await(c.closed()));
    assertEquals(0, impostor.messages.size());
  }

  /** Verifies that server DATA reaches onMessage and is acknowledged ACCEPTED after the handler. */
  @Test
  void serverDataReachesHandler(Vertx vertx) throws Exception {
    SlmpClient c =
        await(
            SlmpClient.connect(
                vertx, server.options(server.identity("dev-2", Suite.P256_AES128GCM)), null));
    Promise<InboundMessage> got = Promise.promise();
    c.onMessage(got::tryComplete);
    await(c.established());

    long seq = await(server.push("cmd/reboot", bytes("now")));
    InboundMessage m = await(got.future());
    assertEquals("cmd/reboot", m.topic());
    assertArrayEquals(bytes("now"), m.payload());
    assertEquals(seq, m.seq());
    assertTrue(m.ackRequested());
    Eventually.until(
        () -> !server.deviceAcks.isEmpty(), Await.TIMEOUT, "the device's ACK reached the server");
    assertEquals(AckStatus.ACCEPTED, server.deviceAcks.get(0));
    await(c.close());
  }

  /** Verifies that a socket closed without CLOSE ends the client with "connection lost". */
  @Test
  void socketClosedWithoutCloseIsConnectionLost(Vertx vertx) throws Exception {
    var rude =
        await(
            vertx
                .createNetServer()
                .connectHandler(s -> s.handler(b -> s.close()))
                .listen(0, "127.0.0.1"));
    DeviceIdentity id = server.identity("dev-3", Suite.P256_FERNET);
    SlmpClient c =
        await(
            SlmpClient.connect(
                vertx, SlmpClient.Options.of("127.0.0.1", rude.actualPort(), id), null));
    SlmpClosedException e = failure(SlmpClosedException.class, c.established());
    assertTrue(e.isConnectionLost());
    assertEquals("connection lost", e.getMessage());
    assertEquals(null, e.code());
  }

  /**
   * Connects and sends from the connect callback, on the client's context: sure to be 0-RTT on a
   * resumption. Returns the client (as a future) followed by the futures {@code sends} returned.
   */
  static List<Future<?>> firstFlight(
      Vertx vertx,
      SlmpClient.Options o,
      DeviceTicket ticket,
      Function<SlmpClient, List<Future<?>>> sends)
      throws Exception {
    Promise<List<Future<?>>> flight = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                SlmpClient.connect(vertx, o, ticket)
                    .onComplete(
                        ar -> {
                          if (ar.failed()) {
                            flight.fail(ar.cause());
                            return;
                          }
                          List<Future<?>> all = new ArrayList<>();
                          all.add(Future.succeededFuture(ar.result()));
                          all.addAll(sends.apply(ar.result()));
                          flight.complete(all);
                        }));
    return await(flight.future());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
