package dev.slmp.config;

/**
 * One configuration key, defined once in {@link Keys}: its dotted name, default, allowed values and
 * one-line doc, from which the validation, its error messages, {@code conf/config.json} and the
 * README's table all come ({@link ConfigDocs}). The environment variable and the system property
 * are derived from the key, so they cannot drift: {@code limits.maxConnections} → {@code
 * SLMP_LIMITS_MAX_CONNECTIONS} and {@code -Dslmp.limits.maxConnections}. Immutable; identity is the
 * instance (each key is declared exactly once).
 *
 * @param <T> the type a verticle reads ({@code Integer}, {@code Boolean}, {@code Set<Suite>} …)
 */
public abstract sealed class Setting<T>
    permits IntSetting, LongSetting, BoolSetting, StringSetting, ListSetting, MapSetting {
  private final String key;
  private final String doc;
  private final String envName;

  Setting(String key, String doc) {
    if (!key.matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*")) {
      throw new IllegalArgumentException(
          "a config key is dotted lower camel case, was '" + key + "'");
    }
    if (doc.isBlank() || doc.contains("\n") || doc.contains("|")) {
      throw new IllegalArgumentException(
          "the doc of '" + key + "' must be one line of text without '|'");
    }
    this.key = key;
    this.doc = doc;
    this.envName = envName(key);
  }

  /**
   * The dotted key, as written in {@code conf/config.json} (where each dot opens a nested object).
   */
  public final String key() {
    return key;
  }

  /** One line for the README's table: what the key does. */
  public final String doc() {
    return doc;
  }

  /**
   * The environment variable that overrides the key: {@code SLMP_} and the key in upper snake case.
   */
  public final String envName() {
    return envName;
  }

  /** The system property that overrides the key (and the environment). */
  public final String sysProp() {
    return "slmp." + key;
  }

  /**
   * The default as it is written in JSON ({@code conf/config.json}); a list default is a fresh
   * copy.
   */
  public abstract Object defaultJson();

  /** The allowed values, for the README ({@code 0..65535}); empty when the type says it all. */
  public abstract String allowed();

  /** The typed default. */
  public final T defaultValue() {
    return read(defaultJson());
  }

  /** Whether the value is hidden in messages and logs ({@code legacy.secret}). */
  public boolean secret() {
    return false;
  }

  /**
   * Checks a JSON value (type and allowed values) and returns it typed; the message names the key.
   */
  abstract T read(Object json);

  /**
   * Turns the text of an environment variable or system property into its JSON form; bad text fails
   * with a message naming the key, the variable and the property.
   */
  abstract Object parseText(String text);

  /** How messages name the type: "a whole number", "true or false", "a string", "a list". */
  abstract String typeName();

  final IllegalArgumentException wrongType(Object got) {
    return invalid("must be " + typeName() + ", was " + shown(got));
  }

  final IllegalArgumentException badText(String text) {
    return new IllegalArgumentException(
        "config key '"
            + key
            + "' ("
            + envName
            + " or -D"
            + sysProp()
            + ") must be "
            + typeName()
            + ", was "
            + (secret() ? "(hidden)" : "\"" + text + "\""));
  }

  final IllegalArgumentException invalid(String what) {
    return new IllegalArgumentException("config key '" + key + "' " + what);
  }

  final String shown(Object v) {
    if (secret()) {
      return "(hidden)";
    }
    return v == null ? "null" : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }

  /** {@code limits.maxConnections} → {@code SLMP_LIMITS_MAX_CONNECTIONS}. */
  static String envName(String key) {
    StringBuilder b = new StringBuilder("SLMP_");
    for (char ch : key.toCharArray()) {
      if (ch == '.') {
        b.append('_');
      } else if (Character.isUpperCase(ch)) {
        b.append('_').append(ch);
      } else {
        b.append(Character.toUpperCase(ch));
      }
    }
    return b.toString();
  }

  /** A whole number of a JSON value ({@code 5} and {@code 5.0}), or null. */
  static Long wholeNumber(Object v) {
    return v instanceof Number n
            && n.doubleValue() == Math.rint(n.doubleValue())
            && !Double.isInfinite(n.doubleValue())
        ? n.longValue()
        : null;
  }

  @Override
  public String toString() {
    return key;
  }
}
