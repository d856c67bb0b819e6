package dev.slmp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.auth.ProofVerifier;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.RecordCrypto;
import dev.slmp.connection.SentData;
import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.testkit.LogCapture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * {@code sendData} says what happened to its own write: written, refused by the transport, or cut
 * by a close.
 */
class SentDataTest {
  private final byte[] master = new byte[32];
  private final StaticKey key =
      StaticKey.of(
          Suite.X25519_CHACHA20POLY1305.group(),
          Suite.X25519_CHACHA20POLY1305.group().generatePrivate(Randomness.threadRandom()));

  /** Tracked writes the test completes itself, as a socket would later. */
  private final List<CompletableFuture<Void>> transportWrites = new ArrayList<>();

  private final List<Integer> writtenTypes = new ArrayList<>();

  /** Seals the test releases itself, as a crypto verticle would answer later. */
  private final List<Runnable> heldSeals = new ArrayList<>();

  private boolean holdSeals;
  private boolean openThrows;

  private final RecordCrypto crypto =
      new RecordCrypto() {
        @Override
        public CompletionStage<byte[]> open(
            Sealer sealer, long seq, byte[] aad, byte[] in, int off, int len) {
          if (openThrows) {
            throw new IllegalStateException("a bug in the crypto path");
          }
          return RecordCrypto.INLINE.open(sealer, seq, aad, in, off, len);
        }

        @Override
        public CompletionStage<byte[]> seal(Sealer sealer, long seq, byte[] aad, byte[] plaintext) {
          if (!holdSeals) {
            return RecordCrypto.INLINE.seal(sealer, seq, aad, plaintext);
          }
          CompletableFuture<byte[]> out = new CompletableFuture<>();
          heldSeals.add(() -> out.complete(sealer.seal(seq, aad, plaintext)));
          return out;
        }
      };

  private ServerConnection established() {
    Randomness.threadRandom().nextBytes(master);
    ServerSettings settings = ServerSettings.defaults();
    ServerHandshake handshake =
        new ServerHandshake(
            settings,
            ServerKeyRing.of(key),
            new ProofVerifier(new InMemoryDeviceDirectory(master)),
            new InMemorySessionStore(),
            () -> 1_700_000_000L);
    ByteArrayOutputStream toDevice = new ByteArrayOutputStream();
    ServerConnection server =
        new ServerConnection(
            handshake,
            crypto,
            settings,
            Randomness.secure(),
            new ServerConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                writtenTypes.add(bytes[0] & 0xFF);
                toDevice.writeBytes(bytes);
              }

              @Override
              public CompletionStage<Void> writeTracked(byte[] bytes) {
                writtenTypes.add(bytes[0] & 0xFF);
                CompletableFuture<Void> w = new CompletableFuture<>();
                transportWrites.add(w);
                return w;
              }

              @Override
              public void message(InboundMessage m) {}

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {}
            });
    DeviceIdentity id =
        new DeviceIdentity(
            "writer",
            KeySchedule.deviceKey(master, "writer".getBytes(StandardCharsets.UTF_8)),
            Suite.X25519_CHACHA20POLY1305,
            key.publicKey());
    device = Parties.deviceWritingTo(id, fromDevice);
    device.startFull();
    server.receive(fromDevice.toByteArray());
    fromDevice.reset();
    device.receive(toDevice.toByteArray());
    server.receive(fromDevice.toByteArray());
    fromDevice.reset();
    assertTrue(server.isEstablished());
    writtenTypes.clear();
    return server;
  }

  private DeviceConnection device;
  private final ByteArrayOutputStream fromDevice = new ByteArrayOutputStream();

  /** A DATA frame from the established device. */
  private byte[] deviceData() {
    device.sendData("t", new byte[] {1}, false);
    byte[] f = fromDevice.toByteArray();
    fromDevice.reset();
    return f;
  }

  @Test
  void writtenCompletesWhenTheTransportHasWrittenTheFrame() {
    ServerConnection server = established();
    SentData sent =
        server.sendData("cmd".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2}, false);
    assertEquals(1, sent.seq());
    assertEquals(
        List.of(FrameType.DATA), writtenTypes, "the DATA went to the transport as a tracked write");
    assertFalse(
        sent.written().toCompletableFuture().isDone(), "not written until the transport says so");
    transportWrites.get(0).complete(null);
    assertTrue(sent.written().toCompletableFuture().isDone());
    assertFalse(sent.written().toCompletableFuture().isCompletedExceptionally());
  }

  @Test
  void writtenFailsWhenTheTransportCannotWrite() {
    ServerConnection server = established();
    SentData sent = server.sendData(new byte[0], new byte[] {7}, true);
    transportWrites.get(0).completeExceptionally(new IllegalStateException("socket closed"));
    assertTrue(sent.written().toCompletableFuture().isCompletedExceptionally());
  }

  @Test
  void writtenFailsAndNothingIsWrittenWhenTheConnectionClosesBeforeTheSealIsDone() {
    ServerConnection server = established();
    holdSeals = true;
    SentData first = server.sendData(new byte[0], new byte[] {1}, false);
    SentData second = server.sendData(new byte[0], new byte[] {2}, false);
    assertEquals(2, second.seq());
    server.close(CloseCode.NORMAL, "bye");
    heldSeals.forEach(Runnable::run);
    assertTrue(first.written().toCompletableFuture().isCompletedExceptionally());
    assertTrue(second.written().toCompletableFuture().isCompletedExceptionally());
    assertEquals(List.of(FrameType.CLOSE), writtenTypes, "only the CLOSE reached the transport");
    assertTrue(transportWrites.isEmpty());
  }

  @Test
  void anInternalErrorIsLoggedOnceWithItsStackTraceAndClosesTheConnection() {
    ServerConnection server = established();
    LogCapture log = LogCapture.of(ServerConnection.class.getName());
    try {
      openThrows = true;
      byte[] data = deviceData();
      server.receive(data);
      assertTrue(server.isClosed());
      assertEquals(List.of(FrameType.CLOSE), writtenTypes);
      assertEquals(1, log.records.size(), log.lines.toString());
      assertEquals("a bug in the crypto path", log.records.get(0).getThrown().getMessage());
      server.receive(data); // nothing more: still one line
      assertEquals(1, log.records.size());
    } finally {
      log.close();
    }
  }
}
