package dev.slmp.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * Reads a bridge client's bytes before the Vert.x bridge does, and hands it only whole frames that
 * it can act on. The bridge's own parser trusts the length prefix (a client announcing 2 GiB makes
 * the node buffer until it runs out of memory; a negative one, an unknown {@code type} or a field
 * of the wrong type throws inside the parser, which then fails on that frame forever while
 * buffering everything after it). Here a length outside 2..{@code bridge.maxFrameBytes} is refused
 * as soon as its 4 bytes arrive, and a body that is not a JSON object of the bridge's shape is
 * refused before the bridge sees it: either way the client gets one {@code err} frame saying why
 * and the connection is closed. At most one frame is held per connection. Never logs a frame's
 * content (it may carry the token).
 */
final class BridgeFrameReader implements Handler<Buffer> {
  private static final System.Logger LOG = System.getLogger(BridgeFrameReader.class.getName());
  private static final List<String> TYPES =
      List.of("send", "publish", "register", "unregister", "ping");

  /** "{}", the smallest JSON object. */
  private static final int MIN_LENGTH = 2;

  private final int maxFrameBytes;
  private final Handler<Buffer> bridgeParser;
  private final NetSocket socket;
  private Buffer pending = Buffer.buffer();
  private boolean refused;

  BridgeFrameReader(int maxFrameBytes, Handler<Buffer> bridgeParser, NetSocket socket) {
    this.maxFrameBytes = maxFrameBytes;
    this.bridgeParser = bridgeParser;
    this.socket = socket;
  }

  @Override
  public void handle(Buffer data) {
    if (refused) {
      return;
    }
    pending.appendBuffer(data);
    int pos = 0;
    while (pending.length() - pos >= 4) {
      int length = pending.getInt(pos);
      if (length < MIN_LENGTH || length > maxFrameBytes) {
        refuse(
            length > maxFrameBytes
                ? "frame too large: "
                    + length
                    + " bytes, this bridge accepts up to "
                    + maxFrameBytes
                    + " (bridge.maxFrameBytes)"
                : "invalid frame length "
                    + length
                    + " (4-byte big-endian, 2.."
                    + maxFrameBytes
                    + ")");
        return;
      }
      if (pending.length() - pos - 4 < length) {
        break; // the rest of this frame is still on its way
      }
      Buffer frame = pending.getBuffer(pos, pos + 4 + length);
      pos += 4 + length;
      String problem = problem(frame.getBuffer(4, frame.length()));
      if (problem != null) {
        refuse(problem);
        return;
      }
      try {
        bridgeParser.handle(frame);
      } catch (RuntimeException e) {
        // The bridge's parser keeps a frame it threw on and fails on it again with every read.
        refuse("frame not handled (" + e.getClass().getSimpleName() + ")");
        return;
      }
    }
    pending = pos == pending.length() ? Buffer.buffer() : pending.getBuffer(pos, pending.length());
  }

  /** Why the bridge could not act on {@code body}, or null. */
  private static String problem(Buffer body) {
    JsonObject frame;
    try {
      frame = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return "frame is not a JSON object";
    }
    if (!(frame.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      return "frame type must be one of " + TYPES;
    }
    for (String field : new String[] {"address", "replyAddress", "message"}) {
      Object v = frame.getValue(field);
      if (v != null && !(v instanceof String)) {
        return "frame field '" + field + "' must be a string";
      }
    }
    Object code = frame.getValue("failureCode");
    if (code != null && !(code instanceof Integer)) {
      return "frame field 'failureCode' must be an integer";
    }
    Object headers = frame.getValue("headers");
    if (headers != null) {
      if (!(headers instanceof JsonObject h)) {
        return "frame field 'headers' must be an object";
      }
      for (String name : h.fieldNames()) {
        Object v = h.getValue(name);
        boolean ok =
            switch (name) {
              case "timeout" -> v instanceof Integer || v instanceof Long;
              case "localOnly" -> v instanceof Boolean;
              // A codec is the node's business: an unknown name throws inside the bridge.
              case "codecName" -> false;
              default -> v instanceof String;
            };
        if (!ok) {
          return "frame header '" + name + "' not accepted";
        }
      }
    }
    return null;
  }

  private void refuse(String why) {
    refused = true;
    pending = Buffer.buffer();
    LOG.log(
        System.Logger.Level.WARNING, "bridge client " + socket.remoteAddress() + " closed: " + why);
    byte[] json = new JsonObject().put("type", "err").put("message", why).toBuffer().getBytes();
    socket.write(Buffer.buffer().appendInt(json.length).appendBytes(json));
    socket.close();
  }
}
