package dev.slmp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.protocol.AckStatus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client's ACK waits: one timer for all, each wait failing on its own deadline, late ACKs
 * ignored.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class PendingAcksTest {

  @Test
  void eachWaitEndsWithItsAckOrItsOwnTimeout(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(
        v -> {
          PendingAcks acks = new PendingAcks(vertx, 200);
          Promise<AckStatus> answered = Promise.promise();
          Promise<AckStatus> silent = Promise.promise();
          Promise<AckStatus> earlyOne = Promise.promise();
          long start = System.nanoTime();
          acks.add(1, false, answered);
          acks.add(2, false, silent);
          acks.add(1, true, earlyOne); // same seq, other seq space
          acks.complete(1, false, AckStatus.ACCEPTED);
          vertx.setTimer(
              100,
              id -> {
                Promise<AckStatus> younger = Promise.promise();
                acks.add(3, false, younger);
                acks.complete(1, true, AckStatus.REJECTED);
                silent
                    .future()
                    .onComplete(
                        ar ->
                            ctx.verify(
                                () -> {
                                  long waited =
                                      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                                  assertTrue(ar.failed());
                                  assertInstanceOf(TimeoutException.class, ar.cause());
                                  assertEquals(
                                      "no ACK for seq 2 within 200 ms", ar.cause().getMessage());
                                  assertTrue(
                                      waited >= 200, "not before its deadline: " + waited + " ms");
                                  assertTrue(
                                      !younger.future().isComplete(),
                                      "a younger wait still has time");
                                  acks.complete(2, false, AckStatus.ACCEPTED); // late: ignored
                                }));
                younger
                    .future()
                    .onComplete(
                        ar ->
                            ctx.verify(
                                () -> {
                                  long waited =
                                      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                                  assertInstanceOf(TimeoutException.class, ar.cause());
                                  assertTrue(
                                      waited >= 300,
                                      "its own deadline, 200 ms after it was added: "
                                          + waited
                                          + " ms");
                                  assertEquals(AckStatus.ACCEPTED, answered.future().result());
                                  assertEquals(
                                      AckStatus.REJECTED,
                                      earlyOne.future().result(),
                                      "early ACKs match early seqs");
                                  assertTrue(
                                      silent.future().failed(), "the late ACK changed nothing");
                                  ctx.completeNow();
                                }));
              });
        });
  }

  @Test
  void failAllEndsEveryWaitWithTheReason(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(
        v -> {
          PendingAcks acks = new PendingAcks(vertx, 50);
          Promise<AckStatus> a = Promise.promise();
          Promise<AckStatus> b = Promise.promise();
          acks.add(7, false, a);
          acks.add(8, true, b);
          IllegalStateException reason = new IllegalStateException("connection closed");
          acks.failAll(reason);
          // A wait added afterwards times out after the deadlines of a and b have passed: their
          // timers have run by then.
          Promise<AckStatus> later = Promise.promise();
          acks.add(9, false, later);
          later
              .future()
              .onComplete(
                  ar ->
                      ctx.verify(
                          () -> {
                            assertInstanceOf(TimeoutException.class, ar.cause());
                            assertEquals(reason, a.future().cause());
                            assertEquals(reason, b.future().cause(), "and no timeout replaced it");
                            ctx.completeNow();
                          }));
        });
  }
}
