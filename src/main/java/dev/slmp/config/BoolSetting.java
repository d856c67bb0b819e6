package dev.slmp.config;

/**
 * A {@code true}/{@code false} key; from text, {@code true} or {@code false} in any case and
 * nothing else.
 */
public final class BoolSetting extends Setting<Boolean> {
  private final boolean defaultValue;

  public BoolSetting(String key, boolean defaultValue, String doc) {
    super(key, doc);
    this.defaultValue = defaultValue;
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }

  @Override
  public String allowed() {
    return "";
  }

  @Override
  Boolean read(Object json) {
    if (!(json instanceof Boolean b)) {
      throw wrongType(json);
    }
    return b;
  }

  @Override
  Object parseText(String text) {
    String t = text.trim();
    if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
      throw badText(text);
    }
    return Boolean.parseBoolean(t);
  }

  @Override
  String typeName() {
    return "true or false";
  }
}
