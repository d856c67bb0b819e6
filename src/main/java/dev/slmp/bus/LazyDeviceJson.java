package dev.slmp.bus;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The map behind {@link DeviceMessage#toLazyJson()}: the documented JSON's fields, made on the
 * first access of any kind (then an ordinary mutable map). Until then the body is only the typed
 * record, so a consumer that answers without reading it costs the node no JSON and no base64.
 */
final class LazyDeviceJson extends AbstractMap<String, Object> {
  final DeviceMessage message;
  private Map<String, Object> fields;

  LazyDeviceJson(DeviceMessage message) {
    this.message = message;
  }

  /** True while nobody has read or changed the fields: the record is then the whole body. */
  boolean untouched() {
    return fields == null;
  }

  private Map<String, Object> fields() {
    if (fields == null) {
      fields = new LinkedHashMap<>(message.toJson().getMap());
    }
    return fields;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return fields().entrySet();
  }

  @Override
  public Set<String> keySet() {
    return fields().keySet();
  }

  @Override
  public Collection<Object> values() {
    return fields().values();
  }

  @Override
  public int size() {
    return fields().size();
  }

  @Override
  public boolean isEmpty() {
    return fields().isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return fields().containsKey(key);
  }

  @Override
  public Object get(Object key) {
    return fields().get(key);
  }

  @Override
  public Object put(String key, Object value) {
    return fields().put(key, value);
  }

  @Override
  public Object remove(Object key) {
    return fields().remove(key);
  }

  @Override
  public void putAll(Map<? extends String, ?> m) {
    fields().putAll(m);
  }

  @Override
  public void clear() {
    fields().clear();
  }
}
