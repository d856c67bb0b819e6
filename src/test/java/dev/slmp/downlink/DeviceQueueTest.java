package dev.slmp.downlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slmp.downlink.DeviceQueue.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue's rules without any I/O: order, bound, lease, settle, expiry, stored form. */
class DeviceQueueTest {
  private static Command cmd(String id, long expires) {
    return new Command(id, "dev", "t", id.getBytes(), true, 0, expires);
  }

  private static List<String> ids(List<Command> cs) {
    return cs.stream().map(Command::id).toList();
  }

  @Test
  void aClaimLeasesInOrderAndASecondConnectionGetsNothingUntilRelease() {
    DeviceQueue q = new DeviceQueue("dev");
    q.enqueue(cmd("a", 1000), 16, 0);
    q.enqueue(cmd("b", 1000), 16, 0);
    assertEquals(List.of("a", "b"), ids(q.claim("c1", 1, 100).commands()));
    assertEquals(List.of(), ids(q.claim("c2", 2, 100).commands()));
    q.settle("a", Outcome.ACCEPTED, 3);
    q.settle("b", Outcome.REJECTED, 3);
    assertEquals(0, q.size());
  }

  @Test
  void notDeliveredStaysHeldUntilReleaseThenGoesToTheNextConnection() {
    DeviceQueue q = new DeviceQueue("dev");
    q.enqueue(cmd("a", 1000), 16, 0);
    q.claim("c1", 1, 100);
    q.settle("a", null, 2);
    assertEquals(List.of(), ids(q.claim("c1", 3, 100).commands()));
    // The release names what it freed: the node then tells the device's other connections.
    assertEquals(List.of("a"), ids(q.release("c1").commands()));
    assertEquals(List.of("a"), ids(q.claim("c2", 4, 100).commands()));
    assertEquals(List.of(), ids(q.release("c1").commands()), "c1 holds nothing any more");
  }

  @Test
  void aLeaseRunsOutWhenItsNodeDied() {
    DeviceQueue q = new DeviceQueue("dev");
    q.enqueue(cmd("a", 1000), 16, 0);
    q.claim("dead", 1, 10);
    assertEquals(List.of(), ids(q.claim("c2", 10, 10).commands()));
    assertEquals(List.of("a"), ids(q.claim("c2", 11, 10).commands()));
  }

  @Test
  void boundDuplicateExpiryAndCancel() {
    DeviceQueue q = new DeviceQueue("dev");
    assertEquals(Status.OK, q.enqueue(cmd("a", 50), 2, 0).status());
    assertEquals(Status.DUPLICATE, q.enqueue(cmd("a", 50), 2, 0).status());
    assertEquals(Status.OK, q.enqueue(cmd("b", 1000), 2, 0).status());
    assertEquals(Status.FULL, q.enqueue(cmd("c", 1000), 2, 0).status());
    DeviceQueue.Change e = q.expire(50);
    assertEquals(List.of(new Receipt("a", "dev", Outcome.EXPIRED, 50)), e.receipts());
    assertEquals(Outcome.CANCELLED, q.cancel("b", 60).receipts().get(0).outcome());
    assertEquals(Status.UNKNOWN_ID, q.cancel("b", 61).status());
    assertEquals(2, q.recent().size());
  }

  @Test
  void theStoredFormReadsBackAndRefusesGarbage() {
    DeviceQueue q = new DeviceQueue("dev");
    q.enqueue(cmd("a", 1000), 16, 0);
    q.enqueue(cmd("b", 1000), 16, 0);
    q.claim("c1", 1, 100);
    q.cancel("b", 2);
    DeviceQueue back = DeviceQueue.decode("dev", q.encode());
    assertArrayEquals(q.encode(), back.encode());
    assertEquals("c1", back.pending().get(0).leasedBy());
    byte[] b = q.encode();
    assertThrows(
        IllegalArgumentException.class,
        () -> DeviceQueue.decode("dev", java.util.Arrays.copyOf(b, b.length - 1)));
    byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
    assertThrows(IllegalArgumentException.class, () -> DeviceQueue.decode("dev", longer));
  }
}
