package dev.slmp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The per-thread cache of keyed Ciphers and HMACs: slots are lent, recycled by the clock algorithm
 * and never confused between owners or threads; sealers stay correct when many more connections
 * than slots interleave.
 */
class RecentKeyStatesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void aSlotServesItsOwnerOnItsThreadOnly() throws Exception {
    RecentKeyStates<Object> states = new RecentKeyStates<>(Object::new);
    Object a = new Object();
    Object b = new Object();
    RecentKeyStates.Slot<Object> slot = states.lend(a);
    assertTrue(slot.lentTo(a));
    assertFalse(slot.lentTo(b), "another owner");
    assertFalse(CompletableFuture.supplyAsync(() -> slot.lentTo(a)).get(), "another thread");
    assertNotSame(
        slot,
        CompletableFuture.supplyAsync(() -> states.lend(a)).get(),
        "each thread has its own slots");
  }

  @Test
  void onceFullTheClockRecyclesStatesInsteadOfMakingNewOnes() {
    AtomicInteger made = new AtomicInteger();
    RecentKeyStates<Object> states =
        new RecentKeyStates<>(
            () -> {
              made.incrementAndGet();
              return new Object();
            });
    List<Object> owners = new ArrayList<>();
    List<RecentKeyStates.Slot<Object>> slots = new ArrayList<>();
    for (int i = 0; i < RecentKeyStates.CAPACITY; i++) {
      owners.add(new Object());
      slots.add(states.lend(owners.get(i)));
    }
    assertEquals(RecentKeyStates.CAPACITY, made.get());
    Object newcomer = new Object();
    RecentKeyStates.Slot<Object> taken = states.lend(newcomer);
    assertEquals(RecentKeyStates.CAPACITY, made.get(), "a full thread recycles");
    assertTrue(taken.lentTo(newcomer));
    assertSame(
        slots.get(0),
        taken,
        "every slot was recently used: the sweep clears them and takes the first");
    assertFalse(slots.get(0).lentTo(owners.get(0)), "the previous owner lost it");
    // Owner 1 uses its slot again, owner 2 does not: the next newcomer takes owner 2's.
    assertTrue(slots.get(1).lentTo(owners.get(1)));
    RecentKeyStates.Slot<Object> next = states.lend(new Object());
    assertSame(slots.get(2), next, "the recently used slot of owner 1 is skipped");
    assertTrue(slots.get(1).lentTo(owners.get(1)));
  }

  @Test
  void renewReplacesTheStateOfTheSlot() {
    RecentKeyStates<Object> states = new RecentKeyStates<>(Object::new);
    Object owner = new Object();
    RecentKeyStates.Slot<Object> slot = states.lend(owner);
    Object before = slot.state;
    Object after = states.renew(slot);
    assertNotSame(before, after);
    assertSame(after, slot.state);
    assertTrue(slot.lentTo(owner));
  }

  /**
   * More connections than slots, interleaved on one thread: every frame still opens, with its own
   * key only.
   */
  @Test
  void sealersStayCorrectWhenConnectionsOutnumberSlots() throws Exception {
    int n = RecentKeyStates.CAPACITY + 57;
    for (AeadSealer.Algorithm alg : AeadSealer.Algorithm.values()) {
      List<Sealer[]> pairs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[alg.keyLength];
        byte[] iv = new byte[AeadSealer.IV_LENGTH];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(iv);
        pairs.add(new Sealer[] {new AeadSealer(alg, key, iv), new AeadSealer(alg, key, iv)});
      }
      roundTrips(alg.name(), pairs);
    }
    List<Sealer[]> fernet = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      fernet.add(
          new Sealer[] {
            new FernetSealer(key, Randomness.secure()), new FernetSealer(key, Randomness.secure())
          });
    }
    roundTrips("Fernet", fernet);
  }

  private static void roundTrips(String what, List<Sealer[]> pairs) throws Exception {
    byte[] aad = {0x10, 0, 0, 0, 1};
    for (int round = 1; round <= 3; round++) {
      for (int i = 0; i < pairs.size(); i++) {
        byte[] msg =
            (what + " connection " + i + " frame " + round).getBytes(StandardCharsets.UTF_8);
        byte[] sealed = pairs.get(i)[0].seal(round, aad, msg);
        assertArrayEquals(
            msg, pairs.get(i)[1].open(round, aad, sealed, 0, sealed.length), what + " " + i);
        // A neighbour's key never opens it, whatever its slot held before.
        Sealer other = pairs.get((i + 1) % pairs.size())[1];
        assertThrows(
            OpenFailedException.class, () -> other.open(1, aad, sealed, 0, sealed.length), what);
      }
    }
  }
}
