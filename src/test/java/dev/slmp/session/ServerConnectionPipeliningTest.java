package dev.slmp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.auth.ProofVerifier;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Frames pipelined behind handshake work that completes later (as it does on a node, over the event
 * bus) are handled in order once it completes, dropped if it fails, and a long burst does not grow
 * the stack.
 */
class ServerConnectionPipeliningTest {
  private final byte[] master = new byte[32];
  private final StaticKey key =
      StaticKey.of(
          Suite.X25519_CHACHA20POLY1305.group(),
          Suite.X25519_CHACHA20POLY1305.group().generatePrivate(Randomness.threadRandom()));
  private final List<CompletableFuture<Runnable>> held = new ArrayList<>();

  /** A handshaker whose AUTH answer is held until the test releases it. */
  private ServerHandshaker delayedAuth(ServerHandshake real) {
    return new ServerHandshaker() {
      @Override
      public CompletionStage<HelloResult> hello(byte[] f, Randomness r) {
        return real.hello(f, r);
      }

      @Override
      public CompletionStage<Authenticated> auth(HandshakeState st, byte[] f) {
        CompletableFuture<Authenticated> out = new CompletableFuture<>();
        CompletableFuture<Runnable> gate = new CompletableFuture<>();
        held.add(gate);
        gate.thenAccept(
            r ->
                real.auth(st, f)
                    .whenComplete(
                        (v, e) -> {
                          if (e != null) {
                            out.completeExceptionally(e);
                          } else {
                            out.complete(v);
                          }
                        }));
        return out;
      }

      @Override
      public CompletionStage<Resumed> resume(byte[] f, Randomness r) {
        return real.resume(f, r);
      }
    };
  }

  private record Run(
      ServerConnection server,
      List<InboundMessage> delivered,
      CloseCode[] closed,
      ByteArrayOutputStream toDevice) {}

  private Run pipeline(byte[] deviceKey, int messages) {
    Randomness.threadRandom().nextBytes(master);
    ServerSettings settings = ServerSettings.defaults();
    ServerHandshake real =
        new ServerHandshake(
            settings,
            ServerKeyRing.of(key),
            new ProofVerifier(new InMemoryDeviceDirectory(master)),
            new InMemorySessionStore(),
            () -> System.currentTimeMillis() / 1000);
    List<InboundMessage> delivered = new ArrayList<>();
    CloseCode[] closed = {null};
    ByteArrayOutputStream toDevice = new ByteArrayOutputStream();
    ServerConnection[] server = {null};
    server[0] =
        new ServerConnection(
            delayedAuth(real),
            settings,
            Randomness.secure(),
            new ServerConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                toDevice.writeBytes(bytes);
              }

              @Override
              public void message(InboundMessage m) {
                delivered.add(m);
                server[0].acknowledge(m, AckStatus.ACCEPTED);
              }

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {
                closed[0] = code;
              }
            });
    ByteArrayOutputStream fromDevice = new ByteArrayOutputStream();
    DeviceIdentity id =
        new DeviceIdentity(
            "pipeliner",
            deviceKey == null
                ? dev.slmp.protocol.KeySchedule.deviceKey(
                    master, "pipeliner".getBytes(StandardCharsets.UTF_8))
                : deviceKey,
            Suite.X25519_CHACHA20POLY1305,
            key.publicKey());
    DeviceConnection device = Parties.deviceWritingTo(id, fromDevice);
    device.startFull();
    server[0].receive(fromDevice.toByteArray());
    fromDevice.reset();
    device.receive(toDevice.toByteArray());
    toDevice.reset();
    for (int i = 0; i < messages; i++) {
      device.sendData("burst", Integer.toString(i).getBytes(StandardCharsets.UTF_8), i % 2 == 0);
    }
    // AUTH and every DATA in one read, while the AUTH check is still out.
    server[0].receive(fromDevice.toByteArray());
    return new Run(server[0], delivered, closed, toDevice);
  }

  @Test
  void dataPipelinedBehindAuthIsHandledInOrderOnceAuthCompletes() {
    Run run = pipeline(null, 5000);
    assertTrue(run.server().isAwaitingHandshake());
    assertTrue(run.server().queuedBytes() > 5000 * 20, "the burst waits, queued");
    assertEquals(0, run.delivered().size(), "nothing is delivered before AUTH is verified");
    held.get(0).complete(() -> {});
    assertEquals(5000, run.delivered().size());
    for (int i = 0; i < 5000; i++) {
      assertEquals(
          Integer.toString(i),
          new String(run.delivered().get(i).payload(), StandardCharsets.UTF_8));
    }
    assertEquals(0, run.server().queuedBytes());
    assertTrue(run.server().isEstablished());
    assertEquals(null, run.closed()[0]);
  }

  @Test
  void dataPipelinedBehindAFailedAuthIsDroppedUnread() {
    Run run = pipeline(new byte[32], 50);
    held.get(0).complete(() -> {});
    assertEquals(CloseCode.AUTH_FAILED, run.closed()[0]);
    assertEquals(0, run.delivered().size());
    assertFalse(run.server().isEstablished());
    assertEquals(0, run.server().queuedBytes());
  }
}
