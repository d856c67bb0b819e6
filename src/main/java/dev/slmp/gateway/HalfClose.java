package dev.slmp.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Lets a device half-close its side (TCP FIN after its flight, as small TCP stacks do) and still
 * read its answers. Netty closes a channel whose input ended unless half-closure is allowed, and
 * Vert.x 5.0 has no option for it, so the channel is switched to half-closure and the end of input
 * is handed to the socket's handler as an empty buffer, behind the bytes that came before it
 * (through Vert.x's own inbound queue, so pausing keeps the order). Netty never reads zero bytes,
 * so an empty buffer means the end of input and nothing else.
 */
final class HalfClose {
  private HalfClose() {}

  static void allow(NetSocket socket) {
    ChannelHandlerContext handler = ((NetSocketInternal) socket).channelHandlerContext();
    handler.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    handler
        .pipeline()
        .addBefore(
            "handler",
            "slmp-half-close",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt)
                  throws Exception {
                if (evt == ChannelInputShutdownEvent.INSTANCE) {
                  ctx.fireChannelRead(Unpooled.EMPTY_BUFFER);
                }
                super.userEventTriggered(ctx, evt);
              }
            });
  }

  /** The marker {@link #allow} hands over when the peer's input ended. */
  static boolean isEndOfInput(Buffer buf) {
    return buf.length() == 0;
  }
}
