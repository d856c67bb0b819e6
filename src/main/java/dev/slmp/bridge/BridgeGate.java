package dev.slmp.bridge;

import dev.slmp.crypto.Bytes;
import dev.slmp.datadir.DataDirectory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Who may use the bridge: a client whose first frame (a {@code register}, {@code send} or {@code
 * publish}; pings are answered before) carries the token of {@code dataDir/bridge.token} as {@code
 * "headers": {"token": "…"}}. Any other first frame, or a wrong token, closes the connection. The
 * token is removed from the frame before the bridge acts on it, so it never reaches a consumer.
 * Compared in constant time; never logged.
 */
final class BridgeGate {
  private static final System.Logger LOG = System.getLogger(BridgeGate.class.getName());
  private final byte[] token;

  /** Sockets whose client presented the token (event-loop confined: the bridge has one). */
  private final Map<NetSocket, Boolean> admitted = new WeakHashMap<>();

  private BridgeGate(byte[] token) {
    this.token = token;
  }

  /** The gate of {@code tokenFile}, creating it (32 random bytes, hex, mode 600) if missing. */
  static BridgeGate of(Path tokenFile) throws IOException {
    if (!Files.exists(tokenFile)) {
      byte[] t = new byte[32];
      new java.security.SecureRandom().nextBytes(t);
      DataDirectory.writeNewFile(
          tokenFile, (Bytes.hex(t) + "\n").getBytes(StandardCharsets.US_ASCII), "rw-------");
    }
    String t = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
    if (t.length() < 32) {
      throw new IllegalStateException(
          tokenFile + " holds no usable token (32 characters at least)");
    }
    return new BridgeGate(t.getBytes(StandardCharsets.US_ASCII));
  }

  void handle(BridgeEvent event) {
    BridgeEventType type = event.type();
    NetSocket socket = event.socket();
    switch (type) {
      case SOCKET_CREATED, SOCKET_PING -> event.complete(true);
      case SOCKET_CLOSED -> {
        admitted.remove(socket);
        event.complete(true);
      }
      default -> {
        if (admitted.containsKey(socket) || presents(event.getRawMessage())) {
          admitted.put(socket, Boolean.TRUE);
          event.complete(true);
        } else {
          LOG.log(
              System.Logger.Level.WARNING,
              "bridge client "
                  + socket.remoteAddress()
                  + " closed: no valid token in its first frame");
          event.complete(false);
          socket.close();
        }
      }
    }
  }

  /** Whether {@code frame} carries the token; the token is taken out of it either way. */
  private boolean presents(JsonObject frame) {
    if (frame == null || !(frame.getValue("headers") instanceof JsonObject headers)) {
      return false;
    }
    Object t = headers.remove("token");
    if (headers.isEmpty()) {
      frame.remove("headers");
    }
    return t instanceof String s
        && MessageDigest.isEqual(s.getBytes(StandardCharsets.US_ASCII), token);
  }
}
