package dev.slmp.config;

/**
 * A whole-number key wider than an {@code int} ({@code session.lifetimeSeconds}: 0..2³²−1), with
 * its range.
 */
public final class LongSetting extends Setting<Long> {
  private final long defaultValue;
  private final long min;
  private final long max;

  /** {@code min..max} inclusive; the default must lie in it. */
  public LongSetting(String key, long defaultValue, long min, long max, String doc) {
    super(key, doc);
    if (min > max || defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(
          "the default of '" + key + "' must lie in " + min + ".." + max);
    }
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
  }

  public long min() {
    return min;
  }

  public long max() {
    return max;
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }

  @Override
  public String allowed() {
    return range(min, max, Long.MAX_VALUE);
  }

  /** {@code 0..65535}, or {@code ≥ 1} when the top is only the type's limit. */
  static String range(long min, long max, long typeMax) {
    return max == typeMax ? "≥ " + min : min + ".." + max;
  }

  @Override
  Long read(Object json) {
    Long v = wholeNumber(json);
    if (v == null) {
      throw wrongType(json);
    }
    if (v < min || v > max) {
      throw invalid("must be " + min + ".." + max + ", was " + v);
    }
    return v;
  }

  @Override
  Object parseText(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw badText(text);
    }
  }

  @Override
  String typeName() {
    return "a whole number";
  }
}
