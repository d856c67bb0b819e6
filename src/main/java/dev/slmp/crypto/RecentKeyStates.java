package dev.slmp.crypto;

import java.util.function.Supplier;

/**
 * Each thread's recently used keyed primitives of one kind (a Cipher holding an expanded AES key, a
 * keyed HMAC), lent to the sealer that owns the key. The JCA re-expands a key whenever a Cipher
 * sees a different one, and one event loop serves many connections: without this every frame paid a
 * key schedule. A connection that keeps sending finds its state still lent to it; an idle one holds
 * nothing of its own, so the heap per connection stays flat. Bounded per thread ({@link #CAPACITY}
 * slots, recycled by the clock algorithm), so a churn of short sessions allocates nothing.
 *
 * <p>A sealer remembers its last {@link Slot} and checks {@link Slot#lentTo} before use: a hit
 * costs two field reads. Slots are only touched by their own thread.
 */
final class RecentKeyStates<T> {
  /** Slots per thread; a Cipher is about 3 KB, made only on threads that seal or open. */
  static final int CAPACITY = 256;

  /** One thread's state, lent to one owner at a time. */
  static final class Slot<T> {
    private final Thread thread;
    private Object owner;
    private boolean referenced;
    T state;

    private Slot(Thread thread, T state) {
      this.thread = thread;
      this.state = state;
    }

    /**
     * Whether this slot still serves {@code owner} on the calling thread (then it counts as
     * recently used).
     */
    boolean lentTo(Object owner) {
      if (this.owner == owner && thread == Thread.currentThread()) {
        referenced = true;
        return true;
      }
      return false;
    }
  }

  /** A thread's slots and the clock hand. */
  private static final class Ring<T> {
    @SuppressWarnings("unchecked")
    final Slot<T>[] slots = new Slot[CAPACITY];

    int size;
    int hand;
  }

  private final Supplier<T> factory;
  private final ThreadLocal<Ring<T>> rings = ThreadLocal.withInitial(Ring::new);

  RecentKeyStates(Supplier<T> factory) {
    this.factory = factory;
  }

  /**
   * A slot of this thread lent to {@code owner}, whose state the caller must key: a new one while
   * the thread has fewer than {@link #CAPACITY}, else the first not recently used (its previous
   * owner gets a new one next time).
   */
  Slot<T> lend(Object owner) {
    Ring<T> ring = rings.get();
    Slot<T> slot;
    if (ring.size < CAPACITY) {
      slot = new Slot<>(Thread.currentThread(), factory.get());
      ring.slots[ring.size++] = slot;
    } else {
      while (true) {
        slot = ring.slots[ring.hand];
        ring.hand = (ring.hand + 1) % CAPACITY;
        if (!slot.referenced) {
          break;
        }
        slot.referenced = false;
      }
    }
    slot.owner = owner;
    slot.referenced = true;
    return slot;
  }

  /**
   * Gives {@code slot} a new state (after a Cipher refused a re-init or failed); the caller keys
   * it.
   */
  T renew(Slot<T> slot) {
    slot.state = factory.get();
    return slot.state;
  }
}
