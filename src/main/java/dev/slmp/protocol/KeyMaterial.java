package dev.slmp.protocol;

import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Sealer;
import dev.slmp.crypto.Suite;

/** Key material {@code K = (key, iv)} of the key schedule. {@code toString} never shows it. */
public record KeyMaterial(byte[] key, byte[] iv) {
  public Sealer sealer(Suite suite, Randomness randomness) {
    return suite.sealer(key, iv, randomness);
  }

  @Override
  public String toString() {
    return "KeyMaterial[" + key.length + "+" + iv.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyMaterial k
        && java.util.Arrays.equals(k.key, key)
        && java.util.Arrays.equals(k.iv, iv);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(key);
  }
}
