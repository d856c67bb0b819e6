package dev.slmp.bridge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Puts a {@link BridgeFrameReader} in front of the Vert.x bridge's parser on every connection. The
 * bridge has no option for it and sets its parser as the socket's handler itself, so the bridge is
 * given a view of Vert.x whose net server hands it sockets whose {@code handler(h)} installs {@code
 * new BridgeFrameReader(max, h, socket)} instead. Everything else goes to the real objects.
 */
final class FrameBound {
  private FrameBound() {}

  /** {@code vertx}, except that the net servers it creates bound their sockets' frames. */
  static Vertx vertx(Vertx vertx, int maxFrameBytes) {
    return view(
        Vertx.class,
        vertx,
        (m, args) ->
            m.getName().equals("createNetServer")
                ? server((NetServer) call(vertx, m, args), maxFrameBytes)
                : call(vertx, m, args));
  }

  private static NetServer server(NetServer server, int maxFrameBytes) {
    return view(
        NetServer.class,
        server,
        (m, args) -> {
          if (m.getName().equals("connectHandler") && args != null && args.length == 1) {
            @SuppressWarnings("unchecked")
            Handler<NetSocket> bridge = (Handler<NetSocket>) args[0];
            server.connectHandler(s -> bridge.handle(socket(s, maxFrameBytes)));
            return null; // the view is returned for fluent calls
          }
          return call(server, m, args);
        });
  }

  private static NetSocket socket(NetSocket socket, int maxFrameBytes) {
    return view(
        NetSocket.class,
        socket,
        (m, args) -> {
          if (m.getName().equals("handler") && args != null && args.length == 1) {
            @SuppressWarnings("unchecked")
            Handler<Buffer> parser = (Handler<Buffer>) args[0];
            socket.handler(
                parser == null ? null : new BridgeFrameReader(maxFrameBytes, parser, socket));
            return null;
          }
          return call(socket, m, args);
        });
  }

  private interface Call {
    Object apply(Method m, Object[] args) throws Throwable;
  }

  /**
   * A proxy of {@code type} answering with {@code calls}; identity is the proxy's, and a fluent
   * call's result (the real object, or null above) is the proxy.
   */
  private static <T> T view(Class<T> type, T real, Call calls) {
    InvocationHandler h =
        (proxy, m, args) ->
            switch (m.getName()) {
              case "equals" -> m.getParameterCount() == 1 ? proxy == args[0] : calls.apply(m, args);
              case "hashCode" ->
                  m.getParameterCount() == 0
                      ? System.identityHashCode(proxy)
                      : calls.apply(m, args);
              default -> {
                Object r = calls.apply(m, args);
                yield (r == real || r == null) && m.getReturnType() == type ? proxy : r;
              }
            };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
