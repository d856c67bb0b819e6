package dev.slmp.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A list key ({@code suites}, {@code deploy}, {@code bridge.inbound} …), read into a typed value by
 * a reader that checks every entry and names a bad one ({@code deploy[2]}). From an environment
 * variable or system property a list is JSON ({@code [1, 3]}) or comma-separated values ({@code
 * 1,3}, {@code groovy:a.groovy,com.acme.B}).
 *
 * @param <T> what the reader makes of the list
 */
public final class ListSetting<T> extends Setting<T> {
  private final JsonArray defaultValue;
  private final boolean numbers;
  private final String allowed;
  private final Function<JsonArray, T> reader;

  private ListSetting(
      String key,
      JsonArray defaultValue,
      boolean numbers,
      String allowed,
      Function<JsonArray, T> reader,
      String doc) {
    super(key, doc);
    this.defaultValue = defaultValue.copy();
    this.numbers = numbers;
    this.allowed = allowed;
    this.reader = reader;
    reader.apply(
        defaultValue
            .copy()); // a default the reader refuses is a programming error: fail at class init
  }

  /** A list of whole numbers; comma-separated text is read as numbers. */
  public static <T> ListSetting<T> ofNumbers(
      String key,
      JsonArray defaultValue,
      String allowed,
      Function<JsonArray, T> reader,
      String doc) {
    return new ListSetting<>(key, defaultValue, true, allowed, reader, doc);
  }

  /** A list of names or objects; comma-separated text is read as names (objects need JSON). */
  public static <T> ListSetting<T> ofNames(
      String key,
      JsonArray defaultValue,
      String allowed,
      Function<JsonArray, T> reader,
      String doc) {
    return new ListSetting<>(key, defaultValue, false, allowed, reader, doc);
  }

  @Override
  public Object defaultJson() {
    return defaultValue.copy();
  }

  @Override
  public String allowed() {
    return allowed;
  }

  @Override
  T read(Object json) {
    if (!(json instanceof JsonArray list)) {
      throw wrongType(json);
    }
    return reader.apply(list.copy());
  }

  @Override
  Object parseText(String text) {
    String t = text.trim();
    try {
      if (t.startsWith("[")) {
        return new JsonArray(t);
      }
      List<Object> out = new ArrayList<>();
      for (String part : t.split(",")) {
        String p = part.trim();
        if (!p.isEmpty()) {
          out.add(numbers ? (Object) Long.parseLong(p) : p);
        }
      }
      return new JsonArray(out);
    } catch (DecodeException | NumberFormatException e) {
      throw badText(text);
    }
  }

  @Override
  String typeName() {
    return "a list";
  }
}
