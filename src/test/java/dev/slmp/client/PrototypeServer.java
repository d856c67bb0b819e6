package dev.slmp.client;

import dev.slmp.testing.SeedCrypto;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server in the prototype's format as spec section 10 describes it, built on {@link SeedCrypto}
 * (JDK only, no SLMP server code): PEM keys both ways, then the token, complete once it decrypts; a
 * right token is answered {@code Message received: <message>}, anything else closed without answer.
 */
final class PrototypeServer {
  record Received(String username, String message, boolean tokenRight) {}

  final String secret;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final List<String> clientPems = new CopyOnWriteArrayList<>();
  private NetServer server;

  private PrototypeServer(String secret) {
    this.secret = secret;
  }

  static Future<PrototypeServer> start(Vertx vertx, String secret) {
    PrototypeServer s = new PrototypeServer(secret);
    s.server = vertx.createNetServer().connectHandler(s::serve);
    return s.server.listen(0, "127.0.0.1").map(s);
  }

  int port() {
    return server.actualPort();
  }

  private void serve(NetSocket socket) {
    KeyPair mine = SeedCrypto.newKeyPair();
    Buffer in = Buffer.buffer();
    byte[][] key = new byte[1][];
    int[] tokenStart = {-1};
    socket.handler(
        buf -> {
          in.appendBuffer(buf);
          String text = in.toString(StandardCharsets.ISO_8859_1);
          try {
            if (key[0] == null) {
              int end = text.indexOf(SeedCrypto.END);
              if (end < 0) {
                return;
              }
              tokenStart[0] = end + SeedCrypto.END.length();
              String pem = text.substring(0, tokenStart[0]);
              clientPems.add(pem);
              key[0] = SeedCrypto.fernetKey(mine.getPrivate(), SeedCrypto.parsePem(pem));
              socket.write(SeedCrypto.pem(mine.getPublic()));
            }
            byte[] plain;
            try {
              plain = SeedCrypto.decrypt(key[0], text.substring(tokenStart[0]));
            } catch (Exception notYet) {
              return; // the token is complete once it decrypts
            }
            String[] parts = new String(plain, StandardCharsets.UTF_8).split(";", 3);
            boolean right =
                parts.length == 3 && parts[0].equals(SeedCrypto.credential(parts[1], secret));
            received.add(
                new Received(
                    parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "", right));
            if (right) {
              socket.write(
                  SeedCrypto.encrypt(
                      key[0], ("Message received: " + parts[2]).getBytes(StandardCharsets.UTF_8)));
            }
            socket.close();
          } catch (Exception e) {
            socket.close();
          }
        });
  }
}
