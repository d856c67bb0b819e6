package dev.slmp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Close;
import dev.slmp.protocol.CloseCode;
import dev.slmp.session.DeviceTicket;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestCluster;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's abrupt death loses no session; a minority of the expected cluster refuses resumption
 * with BUSY.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ClusterFailoverTest {

  /**
   * Resumes with a fresh counter each try while the cluster answers BUSY (it is re-balancing after
   * a death).
   */
  private static Future<AckStatus> resumeUntilServed(
      Vertx vertx, TestNode node, DeviceIdentity dev, DeviceTicket[] ticket, int tries) {
    ticket[0] = ticket[0].nextCounter();
    return DeviceOnRaw.connect(vertx, node.port(), dev)
        .compose(
            d -> {
              Future<DeviceTicket> resumed = d.resume(ticket[0]);
              Future<AckStatus> early = d.sendWithAck("t", "after the crash");
              return Future.all(resumed, early)
                  .map(x -> early.result())
                  .recover(
                      err ->
                          d.raw
                              .closeCode()
                              .compose(
                                  code -> {
                                    if (code == CloseCode.BUSY.code() && tries > 0) {
                                      return vertx
                                          .timer(500)
                                          .compose(
                                              v ->
                                                  resumeUntilServed(
                                                      vertx, node, dev, ticket, tries - 1));
                                    }
                                    return Future.failedFuture("resume refused with CLOSE " + code);
                                  }));
            });
  }

  /**
   * Verifies that a session survives the abrupt death of the node it was made on: it resumes on
   * another.
   */
  @Test
  void sessionsOfADeadNodeResumeOnAnother(Vertx vertx, VertxTestContext ctx, @TempDir Path root)
      throws Exception {
    // GIVEN three nodes, and a device session made on A, with partitions backed up
    // WHEN A's Hazelcast member is terminated, and the device resumes on B
    // THEN the resumption is served and its EARLY DATA ACCEPTED
    TestCluster cluster = new TestCluster(root);
    Path d0 = cluster.dataDirFor(0);
    Path d1 = cluster.dataDirFor(1);
    Path d2 = cluster.dataDirFor(2);
    JsonObject inbox = new JsonObject().put("inbox", new JsonObject().put("enabled", true));
    DeviceTicket[] ticket = new DeviceTicket[1];
    cluster
        .start(0, 3, d0, inbox)
        .compose(
            a ->
                cluster
                    .start(1, 3, d1, inbox)
                    .compose(b -> cluster.start(2, 3, d2, inbox).map(c -> b))
                    .compose(
                        b -> {
                          DeviceIdentity dev = a.derivedDevice("survivor", Suite.P256_FERNET);
                          return cluster
                              .clusterSafe(vertx)
                              .compose(v -> DeviceOnRaw.connect(vertx, a.port(), dev))
                              .compose(d -> d.handshake())
                              .compose(t -> cluster.clusterSafe(vertx).map(t))
                              .compose(
                                  t -> {
                                    ticket[0] = t;
                                    // Node A dies abruptly: its Hazelcast member is terminated, no
                                    // graceful leave; B notices.
                                    Future<Void> left = cluster.memberLeft(1);
                                    cluster
                                        .managers
                                        .get(0)
                                        .getHazelcastInstance()
                                        .getLifecycleService()
                                        .terminate();
                                    return left;
                                  })
                              .compose(v -> resumeUntilServed(vertx, b, dev, ticket, 20));
                        }))
        .eventually(cluster::closeAll)
        .onComplete(
            ctx.succeeding(
                status ->
                    ctx.verify(
                        () -> {
                          assertEquals(AckStatus.ACCEPTED, status);
                          ctx.completeNow();
                        })));
  }

  /**
   * Verifies that one member of an expected three refuses sessions (lifetime 0) and resumption
   * (BUSY with a retry hint).
   */
  @Test
  void aMinorityRefusesResumptionWithBusy(Vertx vertx, VertxTestContext ctx, @TempDir Path root)
      throws Exception {
    // GIVEN one node of an expected cluster of three
    // WHEN a device does a full handshake, then tries to resume
    // THEN WELCOME gives no ticket, and the resumption is closed BUSY with a retry hint
    TestCluster cluster = new TestCluster(root);
    Path d0 = cluster.dataDirFor(0);
    // One member of an expected three: not a majority.
    cluster
        .start(0, 3, d0, new JsonObject())
        .compose(
            node -> {
              DeviceIdentity dev = node.derivedDevice("isolated", Suite.X25519_CHACHA20POLY1305);
              return DeviceOnRaw.connect(vertx, node.port(), dev)
                  .compose(
                      d ->
                          d.handshake()
                              .compose(
                                  t -> {
                                    ctx.verify(
                                        () ->
                                            assertNull(
                                                t,
                                                "the store refused the session: WELCOME says lifetime 0, the device keeps none"));
                                    byte[] sid = new byte[16];
                                    byte[] rs = new byte[32];
                                    Randomness.threadRandom().nextBytes(sid);
                                    Randomness.threadRandom().nextBytes(rs);
                                    DeviceTicket someTicket =
                                        new DeviceTicket(
                                                sid, rs, dev.suite(), 0, 60, 65536, Long.MAX_VALUE)
                                            .nextCounter();
                                    return DeviceOnRaw.connect(vertx, node.port(), dev)
                                        .compose(
                                            r -> {
                                              r.resume(someTicket);
                                              return r.raw.closeFrame();
                                            });
                                  }));
            })
        .eventually(cluster::closeAll)
        .onComplete(
            ctx.succeeding(
                close ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              CloseCode.BUSY.code(),
                              Close.decode(close.body()).code(),
                              "fail closed: the device keeps its session and retries");
                          assertTrue(
                              new String(close.body(), 1, close.body().length - 1)
                                  .contains("retry"));
                          ctx.completeNow();
                        })));
  }
}
