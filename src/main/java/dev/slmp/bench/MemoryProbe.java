package dev.slmp.bench;

import dev.slmp.client.SlmpClient;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Heap per idle established connection: the server's heap after GC before and after opening {@code
 * n} connections that each completed their handshake and one message with its acknowledgement, then
 * sit idle.
 */
final class MemoryProbe {
  static final int PARALLEL_OPEN = 64;
  static final int PARALLEL_CLOSE = 256;

  private MemoryProbe() {}

  static Results.Memory slmp(ServerProcess server, SlmpLoads.Fleet fleet, Suite suite, int n)
      throws Exception {
    byte[] payload = SlmpLoads.payload();
    long before = server.heapAfterGc();
    HeapHistogram.Snapshot histo = HeapHistogram.take(server.pid);
    List<SlmpClient> clients =
        ClosedLoop.bounded(
            n,
            PARALLEL_OPEN,
            n / 100,
            i ->
                fleet
                    .connect(fleet.options("mem-" + suite.id() + "-" + i, suite), null)
                    .compose(
                        c ->
                            c.sendWithAck(SlmpLoads.TOPIC, payload)
                                .transform(
                                    ar ->
                                        ar.succeeded() && ar.result() == AckStatus.ACCEPTED
                                            ? Future.succeededFuture(c)
                                            : c.close()
                                                .transform(
                                                    x -> Future.failedFuture("no ACK ACCEPTED")))));
    return measureAndClose(server, Results.slmp(suite), before, histo, clients, SlmpClient::close);
  }

  static Results.Memory baseline(ServerProcess server, BaselineLoads.Target t, String system, int n)
      throws Exception {
    long before = server.heapAfterGc();
    HeapHistogram.Snapshot histo = HeapHistogram.take(server.pid);
    List<NetSocket> sockets =
        ClosedLoop.bounded(
            n,
            PARALLEL_OPEN,
            n / 100,
            i ->
                t.client()
                    .connect(t.port(), "127.0.0.1")
                    .compose(
                        sock -> {
                          Promise<NetSocket> ack = Promise.promise();
                          sock.handler(b -> ack.tryComplete(sock));
                          sock.closeHandler(v -> ack.tryFail("closed"));
                          sock.write(BaselineLoads.message());
                          return ClosedLoop.within(
                              t.vertx(), ack, BaselineLoads.TIMEOUT_MS, "acknowledgement");
                        }));
    return measureAndClose(server, system, before, histo, sockets, NetSocket::close);
  }

  private static <C> Results.Memory measureAndClose(
      ServerProcess server,
      String system,
      long before,
      HeapHistogram.Snapshot histoBefore,
      List<C> conns,
      java.util.function.Function<C, Future<Void>> close)
      throws Exception {
    List<C> open = conns.stream().filter(Objects::nonNull).toList();
    long after;
    try {
      after = server.heapAfterGc();
    } catch (IOException e) {
      after = -1;
    }
    HeapHistogram.Snapshot histoAfter = histoBefore == null ? null : HeapHistogram.take(server.pid);
    List<String> growth =
        histoAfter == null || open.isEmpty()
            ? List.of()
            : HeapHistogram.growth(histoBefore, histoAfter, open.size(), 25);
    ClosedLoop.bounded(open.size(), PARALLEL_CLOSE, open.size(), i -> close.apply(open.get(i)));
    if (after < 0) {
      throw new IOException("the " + system + " server did not report its heap");
    }
    return new Results.Memory(system, open.size(), before, after, growth);
  }
}
