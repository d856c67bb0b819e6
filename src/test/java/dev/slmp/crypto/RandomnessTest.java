package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The production randomness: nonces drawn ahead per thread stay fresh and leave no copy behind. */
class RandomnessTest {
  /** Verifies that nonces across several pool refills are 16 bytes, all different, none zero. */
  @Test
  void noncesAcrossRefillsAreFreshAndDistinct() {
    // GIVEN the production randomness on this thread
    Randomness r = Randomness.secure();
    // WHEN 1,000 nonces are drawn (more than 15 refills of the per-thread pool)
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      byte[] n = r.nonce16();
      // THEN each is 16 bytes, not all zero, and never seen before
      assertEquals(16, n.length);
      assertFalse(Arrays.equals(new byte[16], n), "an all-zero nonce at draw " + i);
      assertTrue(seen.add(Bytes.hex(n)), "a repeated nonce at draw " + i);
    }
  }

  /** Verifies that a nonce handed out is zeroed in the pool, and that two threads draw apart. */
  @Test
  void aNonceHandedOutIsZeroedInThePoolAndThreadsDrawApart() throws Exception {
    // GIVEN this thread's pool after one draw
    byte[] first = Randomness.secure().nonce16();
    Randomness.SecureRandomness.NoncePool pool = Randomness.SecureRandomness.NONCES.get();
    // THEN the 16 bytes it handed out are zero in the pool, and what is still to come is not
    int taken = pool.next;
    assertTrue(taken >= 16);
    assertTrue(
        Arrays.equals(new byte[16], Arrays.copyOfRange(pool.bytes, taken - 16, taken)),
        "the handed-out nonce left a copy in the pool");
    if (taken < pool.bytes.length) {
      assertFalse(
          Arrays.equals(
              new byte[pool.bytes.length - taken],
              Arrays.copyOfRange(pool.bytes, taken, pool.bytes.length)),
          "the rest of the pool is random");
    }
    // AND a nonce drawn on another thread comes from another pool
    byte[][] other = new byte[1][];
    Thread t = new Thread(() -> other[0] = Randomness.secure().nonce16());
    t.start();
    t.join();
    assertFalse(Arrays.equals(first, other[0]));
    assertFalse(pool == null);
  }
}
