package dev.slmp.bridge;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain blocking socket speaking the bridge's framing (4-byte big-endian length + UTF-8 JSON), as
 * any language would.
 */
final class BridgeClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private String token;

  /** A client that presents the token of {@code dataDir/bridge.token} in its first frame. */
  BridgeClient(int port, java.nio.file.Path dataDir) throws IOException {
    this(port);
    token = java.nio.file.Files.readString(dataDir.resolve("bridge.token")).strip();
  }

  /** A client without the token. */
  BridgeClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  void send(JsonObject frame) throws IOException {
    if (token != null && !"ping".equals(frame.getString("type"))) {
      frame = frame.copy().put("headers", new JsonObject().put("token", token));
      token = null;
    }
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(json.length);
    out.write(json);
    out.flush();
  }

  /** Writes {@code bytes} as they are (framing and all), for malformed frames. */
  void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** {@code frame} as the bridge reads it: length + JSON, no token added. */
  static byte[] framed(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return java.nio.ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array();
  }

  JsonObject next() throws IOException {
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }

  /** The next frame within {@code ms}, or null. */
  JsonObject poll(int ms) throws IOException {
    socket.setSoTimeout(ms);
    try {
      return next();
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(20_000);
    }
  }

  /** Registers on an address; the pong after it means the bridge has handled the registration. */
  JsonObject register(String address) throws IOException {
    send(new JsonObject().put("type", "register").put("address", address));
    send(new JsonObject().put("type", "ping"));
    return next();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
