package dev.slmp.session;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.auth.ProofVerifier;
import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.connection.ServerConnection;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerHandshake;
import dev.slmp.handshake.ServerHandshaker;
import dev.slmp.handshake.ServerKeyRing;
import dev.slmp.handshake.ServerSettings;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.KeySchedule;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The handshake secret kept between HELLO_REPLY and AUTH is wiped once AUTH is handled, whatever
 * its outcome.
 */
class SecretsWipedTest {
  private final byte[] master = new byte[32];
  private ServerHandshaker.HandshakeState kept;

  private void handshake(Suite suite, boolean rightKey) {
    Randomness.threadRandom().nextBytes(master);
    StaticKey key =
        StaticKey.of(suite.group(), suite.group().generatePrivate(Randomness.threadRandom()));
    ServerSettings settings = ServerSettings.defaults();
    ServerHandshake real =
        new ServerHandshake(
            settings,
            ServerKeyRing.of(key),
            new ProofVerifier(new InMemoryDeviceDirectory(master)),
            new InMemorySessionStore(),
            () -> 1_700_000_000L);
    ServerHandshaker watched =
        new ServerHandshaker() {
          @Override
          public CompletionStage<HelloResult> hello(byte[] f, Randomness r) {
            return real.hello(f, r)
                .thenApply(
                    h -> {
                      kept = h.state();
                      return h;
                    });
          }

          @Override
          public CompletionStage<Authenticated> auth(HandshakeState st, byte[] f) {
            return real.auth(st, f);
          }

          @Override
          public CompletionStage<Resumed> resume(byte[] f, Randomness r) {
            return real.resume(f, r);
          }
        };
    ByteArrayOutputStream toDevice = new ByteArrayOutputStream();
    ServerConnection server =
        new ServerConnection(
            watched,
            settings,
            Randomness.secure(),
            new ServerConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                toDevice.writeBytes(bytes);
              }

              @Override
              public void message(InboundMessage m) {}

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {}
            });
    byte[] deviceKey =
        rightKey
            ? KeySchedule.deviceKey(master, "d".getBytes(StandardCharsets.UTF_8))
            : new byte[32];
    ByteArrayOutputStream fromDevice = new ByteArrayOutputStream();
    DeviceConnection device =
        Parties.deviceWritingTo(
            new DeviceIdentity("d", deviceKey, suite, key.publicKey()), fromDevice);
    device.startFull();
    server.receive(fromDevice.toByteArray());
    fromDevice.reset();
    assertNotNull(kept);
    assertTrue(!Bytes.isAllZero(kept.hs()), "hs is needed until AUTH");
    device.receive(toDevice.toByteArray());
    server.receive(fromDevice.toByteArray());
    assertTrue(rightKey == server.isEstablished());
  }

  @Test
  void afterASuccessfulAuth() {
    for (Suite s : Suite.values()) {
      handshake(s, true);
      assertTrue(Bytes.isAllZero(kept.hs()), s + ": hs wiped");
    }
  }

  @Test
  void afterAFailedAuth() {
    for (Suite s : Suite.values()) {
      handshake(s, false);
      assertTrue(Bytes.isAllZero(kept.hs()), s + ": hs wiped");
    }
  }
}
