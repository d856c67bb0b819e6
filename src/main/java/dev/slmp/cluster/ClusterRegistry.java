package dev.slmp.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.datadir.DeviceRecord;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The cluster's copy of the device registry: a Hazelcast map from device id to its {@link
 * DeviceRecord}, sealed under the cluster key (the record holds the device's key). Every write is a
 * merge ({@link DeviceRecord#merge}, compare-and-set), so concurrent writers, a late writer with a
 * stale copy, or a replayed old value can only add to what the map holds, never take a revocation
 * back; a value that does not open is treated as absent (and overwritten by the next merge). All
 * methods block (Hazelcast calls): call them on a worker.
 */
public final class ClusterRegistry {
  public static final String MAP = "slmp.registry";
  private static final byte[] AAD = "device record v1".getBytes(StandardCharsets.UTF_8);
  private static final System.Logger LOG = System.getLogger(ClusterRegistry.class.getName());

  private final IMap<String, byte[]> map;
  private final ClusterSeal seal;

  public ClusterRegistry(IMap<String, byte[]> map, ClusterSeal seal) {
    this.map = map;
    this.seal = seal;
  }

  /** Merges {@code r} into the cluster's copy; returns once it holds at least {@code r}. */
  public void push(DeviceRecord r) {
    for (int attempt = 0; attempt < 100; attempt++) {
      byte[] old = map.get(r.id());
      DeviceRecord there = open(r.id(), old);
      DeviceRecord merged = r.merge(there);
      if (merged.sameAs(there)) {
        return;
      }
      byte[] value = sealed(merged);
      boolean done =
          old == null ? map.putIfAbsent(r.id(), value) == null : map.replace(r.id(), old, value);
      if (done) {
        return;
      }
    }
    throw new IllegalStateException("registry entry kept changing under the merge");
  }

  /** Every record the map holds that opens (one bulk read). */
  public Map<String, DeviceRecord> all() {
    Map<String, DeviceRecord> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      DeviceRecord r = open(e.getKey(), e.getValue());
      if (r != null) {
        out.put(r.id(), r);
      }
    }
    return out;
  }

  /**
   * Calls {@code changed} with each record another member (or this one) writes, and {@code gone}
   * with the id of an entry that disappears (it should be written again), on Hazelcast's event
   * threads.
   *
   * @return the listener's id, for {@link #stopListening}
   */
  public UUID listen(Consumer<DeviceRecord> changed, Consumer<String> gone) {
    return map.addEntryListener(new Listener(changed, gone), true);
  }

  public void stopListening(UUID id) {
    map.removeEntryListener(id);
  }

  private final class Listener
      implements EntryAddedListener<String, byte[]>,
          EntryUpdatedListener<String, byte[]>,
          EntryRemovedListener<String, byte[]>,
          EntryEvictedListener<String, byte[]> {
    private final Consumer<DeviceRecord> changed;
    private final Consumer<String> gone;

    Listener(Consumer<DeviceRecord> changed, Consumer<String> gone) {
      this.changed = changed;
      this.gone = gone;
    }

    @Override
    public void entryAdded(EntryEvent<String, byte[]> e) {
      value(e);
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> e) {
      value(e);
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> e) {
      gone.accept(e.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> e) {
      gone.accept(e.getKey());
    }

    private void value(EntryEvent<String, byte[]> e) {
      DeviceRecord r = open(e.getKey(), e.getValue());
      if (r != null) {
        changed.accept(r);
      }
    }
  }

  byte[] sealed(DeviceRecord r) {
    return seal.seal(MAP, r.id(), AAD, r.toJson().toBuffer().getBytes());
  }

  /** The record in {@code value}, or null when absent or it does not open (then logged). */
  DeviceRecord open(String id, byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      byte[] plain = seal.open(MAP, id, AAD, value, 0, value.length);
      return DeviceRecord.fromJson(id, new JsonObject(new String(plain, StandardCharsets.UTF_8)));
    } catch (OpenFailedException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignored a device registry entry in the cluster that does not open under the cluster key"
              + " or is malformed (written by a member without the cluster key?)");
      return null;
    }
  }

  /** The ids whose cluster copy lacks something {@code local} has: what a sync must push. */
  public static List<DeviceRecord> behind(
      Iterable<DeviceRecord> local, Map<String, DeviceRecord> cluster) {
    List<DeviceRecord> out = new ArrayList<>();
    for (DeviceRecord r : local) {
      if (!r.merge(cluster.get(r.id())).sameAs(cluster.get(r.id()))) {
        out.add(r);
      }
    }
    return out;
  }
}
