package dev.slmp.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import dev.slmp.session.SessionStore.Advance;
import java.util.Map;

/**
 * Spec 8's atomic step, run on the partition owner: {@code resume_counter = counter} only if {@code
 * counter > resume_counter}. Entry processors on one key run one at a time, so two nodes resuming
 * with the same counter cannot both win. The entry keeps its expiry.
 */
final class AdvanceCounter implements EntryProcessor<String, byte[], String> {
  private static final long serialVersionUID = 1L;
  private final long counter;
  private final long now;

  AdvanceCounter(long counter, long nowSeconds) {
    this.counter = counter;
    this.now = nowSeconds;
  }

  @Override
  public String process(Map.Entry<String, byte[]> entry) {
    byte[] v = entry.getValue();
    if (v == null || StoredSession.expires(v) <= now) {
      return Advance.UNKNOWN.name();
    }
    if (counter <= StoredSession.counter(v)) {
      return Advance.REPLAY.name();
    }
    ((ExtendedMapEntry<String, byte[]>) entry)
        .setValueWithoutChangingExpiryTime(StoredSession.withCounter(v, counter));
    return Advance.ADVANCED.name();
  }
}
