package dev.slmp.config;

/** A whole-number key that fits an {@code int}, with its inclusive range. */
public final class IntSetting extends Setting<Integer> {
  private final int defaultValue;
  private final int min;
  private final int max;

  /** {@code min..max} inclusive; the default must lie in it. */
  public IntSetting(String key, int defaultValue, int min, int max, String doc) {
    super(key, doc);
    if (min > max || defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(
          "the default of '" + key + "' must lie in " + min + ".." + max);
    }
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
  }

  public int min() {
    return min;
  }

  public int max() {
    return max;
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }

  @Override
  public String allowed() {
    return LongSetting.range(min, max, Integer.MAX_VALUE);
  }

  @Override
  Integer read(Object json) {
    Long v = wholeNumber(json);
    if (v == null) {
      throw wrongType(json);
    }
    if (v < min || v > max) {
      throw invalid("must be " + min + ".." + max + ", was " + v);
    }
    return v.intValue();
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
