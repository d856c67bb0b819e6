package dev.slmp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.slmp.crypto.Suite;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The standalone store keeps one live session per device; a device's sessions can be deleted. */
class OneSessionPerDeviceTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final InMemorySessionStore store = new InMemorySessionStore(now::get, 10);

  private static SessionRecord session(int id, String device, long expires) {
    byte[] sid = new byte[16];
    sid[0] = (byte) id;
    return new SessionRecord(sid, device, Suite.X25519_CHACHA20POLY1305, new byte[32], expires, 0);
  }

  private SessionRecord get(SessionRecord r) {
    return store.get(r.sessionId()).toCompletableFuture().join();
  }

  @Test
  void aNewSessionReplacesTheDevicesPreviousOne() {
    SessionRecord first = session(1, "d", 5_000);
    SessionRecord second = session(2, "d", 5_000);
    SessionRecord other = session(3, "e", 5_000);
    store.put(first);
    store.put(other);
    store.put(second);
    assertNull(get(first), "the device's older session is gone");
    assertNotNull(get(second));
    assertNotNull(get(other), "another device's session stays");
    assertEquals(2, store.size());
  }

  @Test
  void oneDeviceCannotFillTheStore() {
    for (int i = 0; i < 50; i++) {
      store.put(session(i, "busy", 5_000)).toCompletableFuture().join();
    }
    assertEquals(1, store.size());
    store.put(session(100, "quiet", 5_000)).toCompletableFuture().join();
    assertEquals(2, store.size());
  }

  @Test
  void deleteDeviceDropsItsSession() {
    SessionRecord s = session(1, "d", 5_000);
    store.put(s);
    store.deleteDevice("d").toCompletableFuture().join();
    assertNull(get(s));
    assertEquals(0, store.size());
  }

  @Test
  void purgingExpiredSessionsAlsoForgetsTheDevice() {
    store.put(session(1, "d", 1_500));
    now.set(2_000);
    assertEquals(1, store.purgeExpired());
    SessionRecord later = session(2, "d", 5_000);
    store.put(later);
    assertNotNull(get(later));
  }
}
