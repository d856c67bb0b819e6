package dev.slmp.config;

/**
 * A text key. {@link #nonBlank} ones refuse empty text; a {@link #secret} one never shows its value
 * in a message, a log line or {@link NodeConfig#toString()} (a rule that needs it only sometimes,
 * like {@code legacy.secret} when {@code legacy.enabled}, is a cross-key rule in {@link Keys}).
 */
public final class StringSetting extends Setting<String> {
  private final String defaultValue;
  private final boolean nonBlank;
  private final boolean secret;

  /** The only values allowed, or null for any text. */
  private final java.util.List<String> choices;

  private StringSetting(
      String key, String defaultValue, boolean nonBlank, boolean secret, String doc) {
    this(key, defaultValue, nonBlank, secret, null, doc);
  }

  private StringSetting(
      String key,
      String defaultValue,
      boolean nonBlank,
      boolean secret,
      java.util.List<String> choices,
      String doc) {
    super(key, doc);
    this.choices = choices;
    if (choices != null && !choices.contains(defaultValue)) {
      throw new IllegalArgumentException("the default of '" + key + "' is not one of its choices");
    }
    if (nonBlank && defaultValue.isBlank()) {
      throw new IllegalArgumentException("the default of '" + key + "' must not be empty");
    }
    this.defaultValue = defaultValue;
    this.nonBlank = nonBlank;
    this.secret = secret;
  }

  /** Any text, empty included. */
  public static StringSetting text(String key, String defaultValue, String doc) {
    return new StringSetting(key, defaultValue, false, false, doc);
  }

  /** Text that must not be empty or blank. */
  public static StringSetting nonBlank(String key, String defaultValue, String doc) {
    return new StringSetting(key, defaultValue, true, false, doc);
  }

  /** One of {@code choices} exactly (the first ones of a mode switch like {@code sink}). */
  public static StringSetting oneOf(
      String key, String defaultValue, java.util.List<String> choices, String doc) {
    return new StringSetting(key, defaultValue, true, false, java.util.List.copyOf(choices), doc);
  }

  /** A secret: any text, hidden wherever the configuration is shown. */
  public static StringSetting secret(String key, String defaultValue, String doc) {
    return new StringSetting(key, defaultValue, false, true, doc);
  }

  @Override
  public boolean secret() {
    return secret;
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }

  @Override
  public String allowed() {
    if (choices != null) {
      return String.join(", ", choices.stream().map(c -> "`" + c + "`").toList());
    }
    return secret ? "secret" : nonBlank ? "not empty" : "";
  }

  @Override
  String read(Object json) {
    if (!(json instanceof String s)) {
      throw wrongType(json);
    }
    if (nonBlank && s.isBlank()) {
      throw invalid("must not be empty");
    }
    if (choices != null && !choices.contains(s)) {
      throw invalid("must be one of " + String.join(", ", choices) + ", was " + shown(s));
    }
    return s;
  }

  @Override
  Object parseText(String text) {
    return text;
  }

  @Override
  String typeName() {
    return "a string";
  }
}
