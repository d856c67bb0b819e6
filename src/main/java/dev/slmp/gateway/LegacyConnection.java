package dev.slmp.gateway;

import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Fernet;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.LegacyWire;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.AckStatus;
import dev.slmp.services.EventBusAuthenticator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;

/**
 * One connection in the seed prototype's format (spec 10, {@code legacy.enabled}): the client's PEM
 * key, a fresh ephemeral P-256 key back, one Fernet token {@code token;username;message} checked
 * against {@code legacy.secret}, delivered like SLMP/1 DATA with ACK_REQUESTED (device = username,
 * topic {@value #TOPIC}), and the answer {@code Message received: <message>} only once a consumer
 * ACCEPTED it. Every failure closes without an answer; the refusals a client can cause (bad key,
 * garbage, wrong or oversize token, timeout, revoked name) count as failed authentications of its
 * address. Confined to its context.
 */
final class LegacyConnection {
  /** The insecurity warning, at most once a minute per node however many legacy devices connect. */
  static final EveryMinute INSECURE_WARNING = new EveryMinute(System::currentTimeMillis);

  private static final System.Logger LOG = System.getLogger(LegacyConnection.class.getName());
  static final String TOPIC = "legacy";

  /** No sequence numbers in this format: {@code slmp.in} carries 0, which no SLMP/1 DATA uses. */
  static final long SEQ = 0;

  private static final byte[] ANSWER_PREFIX = "Message received: ".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_USERNAME_BYTES = 64;

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final GatewayVerticle gateway;
  private final LegacySettings settings;
  private final String remoteHost;
  private final LegacyWire.PemReader pem = new LegacyWire.PemReader();
  private LegacyWire.TokenReader token;
  private Fernet fernet;
  private long timer = -1;

  /** The token is complete (or the connection refused): nothing more is read from the client. */
  private boolean tokenDone;

  private final ConnectionRegistry.Admission admission;
  private boolean released;

  LegacyConnection(
      Vertx vertx,
      NetSocket socket,
      GatewayVerticle gateway,
      ConnectionRegistry.Admission admission) {
    this.admission = admission;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.gateway = gateway;
    this.settings = gateway.legacy();
    this.remoteHost = socket.remoteAddress().host();
  }

  /**
   * Takes over a socket whose first chunk began with {@link LegacyWire#FIRST_BYTE}, with its
   * admission slot; the whole exchange up to the complete token gets what is left of {@code
   * handshakeTimeoutMs} since accept.
   */
  void start(Buffer first, long acceptedAt) {
    long heldBack = INSECURE_WARNING.occurrence();
    if (heldBack >= 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "legacy connection from "
              + remoteHost
              + (heldBack > 0 ? " (and " + heldBack + " more in the last minute)" : "")
              + ": the prototype's wire format is insecure (no server authentication, replayable, one"
              + " secret for all devices); set legacy.enabled to false once its devices speak SLMP/1");
    }
    socket.handler(this::received);
    socket.closeHandler(v -> release());
    socket.exceptionHandler(
        e ->
            LOG.log(
                System.Logger.Level.DEBUG,
                "legacy socket error from " + remoteHost + ": " + e.getMessage()));
    long left = gateway.handshakeTimeoutMs() - (GatewayConnection.monotonicMillis() - acceptedAt);
    timer =
        vertx.setTimer(
            Math.max(1, left), id -> refuse("no complete token within handshakeTimeoutMs"));
    received(first);
  }

  private void received(Buffer buf) {
    if (HalfClose.isEndOfInput(buf)) {
      if (!tokenDone) {
        refuse("the client half-closed before its token was complete");
      }
      return; // a complete token is still answered: the client can read after its FIN
    }
    if (tokenDone) {
      return; // the format has one token per connection: later bytes are ignored
    }
    byte[] bytes = buf.getBytes();
    try {
      if (token == null) {
        byte[] clientKey = pem.append(bytes);
        if (clientKey == null) {
          return;
        }
        exchangeKeys(clientKey);
        bytes = pem.leftover();
      }
      byte[] plaintext = bytes.length == 0 ? null : token.append(bytes);
      if (plaintext != null) {
        tokenDone = true;
        vertx.cancelTimer(timer);
        authenticate(plaintext);
      }
    } catch (InvalidKeySpecException | InvalidKeyException e) {
      refuse("bad client key: " + e.getMessage());
    } catch (OpenFailedException e) {
      refuse("bad token: " + e.getMessage());
    }
  }

  /**
   * A fresh ephemeral key for this connection only (spec 10: never a static key); the client's is
   * validated.
   */
  private void exchangeKeys(byte[] clientKey) throws InvalidKeyException {
    DhGroup p256 = DhGroup.p256();
    byte[] priv = Randomness.secure().ephemeralPrivate(p256);
    byte[] shared = p256.agree(priv, clientKey);
    byte[] key = LegacyWire.fernetKey(shared);
    socket.write(Buffer.buffer(LegacyWire.publicPem(p256.publicKey(priv))));
    token = new LegacyWire.TokenReader(key, settings.maxTokenBytes());
    fernet = new Fernet(key);
    Arrays.fill(priv, (byte) 0);
    Arrays.fill(shared, (byte) 0);
    Arrays.fill(key, (byte) 0);
  }

  private void authenticate(byte[] plaintext) {
    LegacyWire.Submission s = LegacyWire.Submission.parse(plaintext);
    if (s == null) {
      refuse("token plaintext is not token;username;message");
      return;
    }
    if (!s.matches(settings.secret())) {
      refuse("wrong token");
      return;
    }
    String username = utf8(s.username());
    if (username == null || s.username().length == 0 || s.username().length > MAX_USERNAME_BYTES) {
      refuse("username must be 1 to " + MAX_USERNAME_BYTES + " UTF-8 bytes");
      return;
    }
    // A name revoked in the device registry is refused here too, as it is in SLMP/1.
    new EventBusAuthenticator(vertx, gateway.handshakeTimeoutMs())
        .isRevoked(username)
        .whenComplete(
            (revoked, err) ->
                context.runOnContext(
                    v -> {
                      if (err != null) {
                        LOG.log(
                            System.Logger.Level.WARNING,
                            "legacy message from "
                                + username
                                + " not accepted: authentication service"
                                + " unavailable; closed without answer");
                        close();
                      } else if (revoked) {
                        refuse("device " + username + " is revoked");
                      } else {
                        deliver(username, s.message());
                      }
                    }));
  }

  private void deliver(String username, byte[] message) {
    admission.handshakeDone();
    InboundMessage m = new InboundMessage(username, null, TOPIC, message, SEQ, false, true);
    gateway
        .delivery()
        .deliver(
            m,
            null,
            status -> {
              if (status != AckStatus.ACCEPTED) {
                // No ACK exists in this format: no answer is the seed's "not accepted", and the
                // device may resend.
                LOG.log(
                    System.Logger.Level.INFO,
                    "legacy message from "
                        + username
                        + " was "
                        + status
                        + "; closed without answer");
                close();
                return;
              }
              socket.write(
                  Buffer.buffer(
                      fernet
                          .encrypt(Bytes.concat(ANSWER_PREFIX, message))
                          .getBytes(StandardCharsets.US_ASCII)));
              close();
            });
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Closes without an answer and counts a failed authentication for the address (spec 9's
   * per-address limit).
   */
  private void refuse(String reason) {
    if (released) {
      return;
    }
    tokenDone = true;
    gateway.failedAuth().recordFailure(remoteHost);
    LOG.log(
        System.Logger.Level.INFO, "legacy connection from " + remoteHost + " refused: " + reason);
    close();
  }

  /**
   * FIN after whatever was written, drain briefly, close (as after an SLMP/1 CLOSE: no reset over
   * the answer).
   */
  private void close() {
    vertx.cancelTimer(timer);
    admission.handshakeDone();
    GatewayConnection.lingerAndClose(vertx, socket);
  }

  /** Gives back the admission slot; idempotent. */
  private void release() {
    if (released) {
      return;
    }
    released = true;
    tokenDone = true;
    vertx.cancelTimer(timer);
    admission.closed();
  }
}
