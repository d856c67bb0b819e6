package dev.slmp.bench;

import dev.slmp.client.SlmpClient;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.session.DeviceTicket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;

/**
 * Wire bytes (TCP payload, both directions) through a {@link ByteProxy}: per sleepy session (full
 * and resumed) and per steady message. Sequential, so every byte counted belongs to the operation
 * measured.
 */
final class BytesProbe {
  private BytesProbe() {}

  static void slmp(
      Results r, SlmpLoads.Fleet fleet, Suite suite, ByteProxy proxy, int sessions, int messages)
      throws Exception {
    String sys = Results.slmp(suite);
    byte[] payload = SlmpLoads.payload();
    SlmpClient.Options o = fleet.options("bytes-" + suite.id(), suite, proxy.port());
    proxy.reset();
    for (int i = 0; i < sessions; i++) {
      await(SlmpLoads.session(fleet, o, null, payload));
    }
    ByteProxy.settle();
    r.bytes.add(
        new Results.Bytes(
            Results.BYTES_FULL,
            sys,
            proxy.total() / (double) sessions,
            sessions,
            FrameTally.describe(proxy.frames, sessions)));

    DeviceTicket ticket = await(SlmpLoads.ticket(fleet, o));
    proxy.reset();
    for (int i = 0; i < sessions; i++) {
      ticket = ticket.nextCounter();
      await(SlmpLoads.session(fleet, o, ticket, payload));
    }
    ByteProxy.settle();
    r.bytes.add(
        new Results.Bytes(
            Results.BYTES_RESUMED,
            sys,
            proxy.total() / (double) sessions,
            sessions,
            FrameTally.describe(proxy.frames, sessions)));

    SlmpClient c = await(fleet.connect(o, null).compose(x -> x.established().map(t -> x)));
    try {
      expectAccepted(await(c.sendWithAck(SlmpLoads.TOPIC, payload)));
      proxy.reset();
      for (int i = 0; i < messages; i++) {
        expectAccepted(await(c.sendWithAck(SlmpLoads.TOPIC, payload)));
      }
      ByteProxy.settle();
      double withAck = proxy.total() / (double) messages;
      r.bytes.add(
          new Results.Bytes(
              Results.BYTES_STEADY,
              sys,
              withAck,
              messages,
              FrameTally.describe(proxy.frames, messages)));
      proxy.reset();
      for (int i = 0; i < messages; i++) {
        await(c.send(SlmpLoads.TOPIC, payload));
      }
      expectAccepted(await(c.sendWithAck(SlmpLoads.TOPIC, payload))); // all of them arrived
      ByteProxy.settle();
      r.bytes.add(
          new Results.Bytes(
              Results.BYTES_STEADY_NOACK, sys, (proxy.total() - withAck) / messages, messages));
    } finally {
      await(c.close());
    }
  }

  /**
   * The baseline's bytes: full sessions with {@code full}, resumed ones with {@code resuming} (TLS
   * only: null for TCP), and a steady exchange. Returns the full handshakes seen during the resumed
   * sessions (should be 0).
   */
  static long baseline(
      Results r,
      String system,
      BaselineLoads.Target full,
      BaselineLoads.Target resuming,
      ByteProxy proxy,
      int sessions,
      int messages)
      throws Exception {
    proxy.reset();
    for (int i = 0; i < sessions; i++) {
      await(BaselineLoads.session(full, proxy.port()));
    }
    ByteProxy.settle();
    r.bytes.add(
        new Results.Bytes(Results.BYTES_FULL, system, proxy.total() / (double) sessions, sessions));
    long fullInResumed = 0;
    if (resuming != null) {
      await(
          BaselineLoads.session(resuming, proxy.port())); // a ticket for this address in the cache
      proxy.reset();
      long checks = resuming.checks();
      for (int i = 0; i < sessions; i++) {
        await(BaselineLoads.session(resuming, proxy.port()));
      }
      ByteProxy.settle();
      fullInResumed = resuming.checks() - checks;
      r.bytes.add(
          new Results.Bytes(
              Results.BYTES_RESUMED, system, proxy.total() / (double) sessions, sessions));
    }
    NetSocket sock = await(full.client().connect(proxy.port(), "127.0.0.1"));
    try {
      Exchanger x = new Exchanger(sock);
      await(x.exchange());
      proxy.reset();
      for (int i = 0; i < messages; i++) {
        await(x.exchange());
      }
      ByteProxy.settle();
      r.bytes.add(
          new Results.Bytes(
              Results.BYTES_STEADY, system, proxy.total() / (double) messages, messages));
    } finally {
      await(sock.close());
    }
    return fullInResumed;
  }

  /** 64 bytes out, wait for the 1-byte acknowledgement. */
  private static final class Exchanger {
    private final NetSocket socket;
    private volatile Promise<Void> pending;

    Exchanger(NetSocket socket) {
      this.socket = socket;
      socket.handler(
          b -> {
            Promise<Void> p = pending;
            if (p != null) {
              p.tryComplete();
            }
          });
    }

    Future<Void> exchange() {
      pending = Promise.promise();
      Future<Void> f = pending.future();
      socket.write(BaselineLoads.message());
      return f;
    }
  }

  private static void expectAccepted(AckStatus s) {
    if (s != AckStatus.ACCEPTED) {
      throw new IllegalStateException("ACK " + s);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }
}
