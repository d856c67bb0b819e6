package dev.slmp.testkit;

import dev.slmp.testing.SeedCrypto;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * The prototype's client (spec 10) on a real TCP socket, built on {@link SeedCrypto} (JDK only, no
 * server code): it sends its PEM key, reads the server's, and writes whatever token text a test
 * gives it, in one write or in pieces. It records every byte the server sends and how the
 * connection ended.
 */
public final class LegacyPeer extends PeerSocket {
  public final KeyPair keys = SeedCrypto.newKeyPair();
  private final Buffer received = Buffer.buffer();
  private final Promise<PublicKey> serverKey = Promise.promise();
  private volatile int keyEnd = -1;
  private byte[] fernetKey;

  private LegacyPeer(NetSocket socket) {
    super(socket);
  }

  public static Future<LegacyPeer> connect(Vertx vertx, int port) {
    return connect(vertx, port, LegacyPeer::new);
  }

  @Override
  protected synchronized void received(Buffer buf) {
    received.appendBuffer(buf);
    if (keyEnd < 0) {
      String text = received.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf(SeedCrypto.END);
      if (end >= 0) {
        keyEnd = end + SeedCrypto.END.length();
        try {
          PublicKey k = SeedCrypto.parsePem(text.substring(0, keyEnd));
          fernetKey = SeedCrypto.fernetKey(keys.getPrivate(), k);
          serverKey.tryComplete(k);
        } catch (Exception e) {
          serverKey.tryFail(e);
        }
      }
    }
  }

  @Override
  protected void onClosed() {
    serverKey.tryFail("closed before the server's key");
  }

  /** Sends this peer's PEM key and completes with the server's. */
  public Future<PublicKey> exchangeKeys() {
    return send(SeedCrypto.pem(keys.getPublic())).compose(v -> serverKey.future());
  }

  public Future<Void> send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The Fernet token the prototype's client would send. */
  public String token(String username, String secret, String message) throws Exception {
    return SeedCrypto.encrypt(fernetKey, SeedCrypto.submission(username, secret, message));
  }

  /** Writes {@code text} in {@code pieces} writes, {@code pauseMs} apart. */
  public Future<Void> sendInPieces(Vertx vertx, String text, int pieces, long pauseMs) {
    Future<Void> f = Future.succeededFuture();
    int step = (text.length() + pieces - 1) / pieces;
    for (int i = 0; i < text.length(); i += step) {
      String piece = text.substring(i, Math.min(text.length(), i + step));
      boolean first = i == 0;
      f =
          f.compose(v -> first ? Future.succeededFuture() : vertx.timer(pauseMs).mapEmpty())
              .compose(v -> send(piece));
    }
    return f;
  }

  /** Completes when the server closed the connection. */
  public Future<Void> closed() {
    return socketClosed();
  }

  /** Everything the server sent after its PEM key (everything, if it never sent one). */
  public synchronized String afterKey() {
    return received.getString(Math.max(0, keyEnd), received.length(), "ISO-8859-1");
  }

  /** The server's answer, decrypted, once it closed. */
  public Future<String> answer() {
    return socketClosed()
        .map(
            v -> {
              try {
                return new String(
                    SeedCrypto.decrypt(fernetKey, afterKey()), StandardCharsets.UTF_8);
              } catch (Exception e) {
                throw new IllegalStateException(
                    "no valid answer token (" + e.getMessage() + "): '" + afterKey() + "'");
              }
            });
  }

  /** Every byte the server sent so far. */
  public synchronized byte[] receivedBytes() {
    return received.getBytes();
  }

  /** The PEM text the server sent, if any. */
  public synchronized String serverPem() {
    return keyEnd < 0 ? null : received.getString(0, keyEnd, "ISO-8859-1");
  }
}
