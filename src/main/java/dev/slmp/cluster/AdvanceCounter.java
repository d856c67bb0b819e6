package dev.slmp.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import dev.slmp.session.SessionStore.Advance;
import java.util.Map;

/**
 * Spec 8's atomic step, run on the partition owner: {@code resume_counter = counter} only if {@code
 * counter > resume_counter}. Entry processors on one key run one at a time, so two nodes resuming
 * with the same counter cannot both win. The value's MAC is checked before its counter is believed
 * and computed again with the new counter, with the owner's own {@link ClusterSeal} (from
 * Hazelcast's user context, where each node puts it at start): the key never travels with the
 * processor. Backups receive the owner's result ({@link #getBackupProcessor}). The entry keeps its
 * expiry.
 */
final class AdvanceCounter
    implements EntryProcessor<String, byte[], String>, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  /** The answer for a value whose check fails: the caller treats the session as absent. */
  static final String REFUSED = "REFUSED";

  private final long counter;
  private final long now;
  private transient ClusterSeal seal;
  private transient byte[] written;

  AdvanceCounter(long counter, long nowSeconds) {
    this.counter = counter;
    this.now = nowSeconds;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    seal = (ClusterSeal) hz.getUserContext().get(ClusterSeal.CONTEXT_KEY);
  }

  @Override
  public String process(Map.Entry<String, byte[]> entry) {
    if (seal == null) {
      // This member runs no SLMP node (yet): it cannot check the value, so it does not answer.
      throw new IllegalStateException("no cluster seal on this member");
    }
    byte[] v = entry.getValue();
    if (v == null) {
      return Advance.UNKNOWN.name();
    }
    if (!StoredSession.intact(entry.getKey(), v, seal)) {
      return REFUSED;
    }
    if (StoredSession.expires(v) <= now) {
      return Advance.UNKNOWN.name();
    }
    if (counter <= StoredSession.counter(v)) {
      return Advance.REPLAY.name();
    }
    written = StoredSession.withCounter(v, counter, entry.getKey(), seal);
    ((ExtendedMapEntry<String, byte[]>) entry).setValueWithoutChangingExpiryTime(written);
    return Advance.ADVANCED.name();
  }

  @Override
  public EntryProcessor<String, byte[], String> getBackupProcessor() {
    return written == null ? null : new SetStored(written);
  }

  /** Writes the primary's result on a backup replica, as is. */
  static final class SetStored implements EntryProcessor<String, byte[], String> {
    private static final long serialVersionUID = 1L;
    private final byte[] value;

    SetStored(byte[] value) {
      this.value = value;
    }

    @Override
    public String process(Map.Entry<String, byte[]> entry) {
      ((ExtendedMapEntry<String, byte[]>) entry).setValueWithoutChangingExpiryTime(value);
      return null;
    }
  }
}
