package dev.slmp.gateway;

import java.util.Arrays;

/**
 * The prototype's format ({@code legacy.*}, spec 10) as a gateway holds it when {@code
 * legacy.enabled}.
 *
 * @param secret the shared secret's UTF-8 bytes; never in {@link #toString()}
 * @param maxTokenBytes largest token (base64 text) before the connection is closed
 */
public record LegacySettings(byte[] secret, int maxTokenBytes) {
  public LegacySettings {
    secret = secret.clone();
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LegacySettings l
        && Arrays.equals(secret, l.secret)
        && maxTokenBytes == l.maxTokenBytes;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(secret) + maxTokenBytes;
  }

  @Override
  public String toString() {
    return "LegacySettings[maxTokenBytes=" + maxTokenBytes + "]";
  }
}
