package dev.slmp.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key whose value is an object of names to text, numbers or booleans, handed to a library as its
 * own properties ({@code kafka.properties}: SASL, TLS, tuning). Read as a map of names to text; a
 * nested object or a list is refused with the name it sits at. Its values are hidden wherever the
 * configuration is shown, since they often hold passwords ({@code sasl.jaas.config}). From an
 * environment variable or system property it is JSON text.
 */
public final class MapSetting extends Setting<Map<String, String>> {
  private final String allowed;

  MapSetting(String key, String allowed, String doc) {
    super(key, doc);
    this.allowed = allowed;
  }

  @Override
  public boolean secret() {
    return true;
  }

  @Override
  public Object defaultJson() {
    return new JsonObject();
  }

  @Override
  public String allowed() {
    return allowed;
  }

  @Override
  Map<String, String> read(Object json) {
    if (!(json instanceof JsonObject o)) {
      throw invalid("must be an object of names to text, numbers or booleans");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : o) {
      Object v = e.getValue();
      if (e.getKey().isBlank()) {
        throw invalid("has an empty name");
      }
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw invalid(
            "'"
                + e.getKey()
                + "' must be text, a number or a boolean, was "
                + (v == null ? "null" : v instanceof JsonObject ? "an object" : "a list"));
      }
      out.put(e.getKey(), v.toString());
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  Object parseText(String text) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw badText(text);
    }
  }

  @Override
  String typeName() {
    return "a JSON object";
  }
}
