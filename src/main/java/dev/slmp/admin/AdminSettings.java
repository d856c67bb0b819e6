package dev.slmp.admin;

import java.nio.file.Path;

/**
 * What the admin server needs of the configuration (built by {@code node.VerticleSettings}).
 *
 * @param host address it listens on ({@code admin.host})
 * @param port its port, 0 for any free one ({@code admin.port})
 * @param keyStore PKCS#12 key and certificate for TLS, null for plain HTTP (loopback only)
 * @param keyStorePassword its password (never logged)
 * @param certFile PEM certificate chain for TLS instead of a key store (with {@code keyFile}), or
 *     null
 * @param keyFile PEM private key of {@code certFile}, or null
 * @param dataDir where {@code admin.token} lives and the readiness probe writes
 * @param storeTimeoutMs how long the session store may take before ready is DOWN
 * @param expectedSize cluster nodes configured: a majority of them makes a node ready
 * @param inbox whether the built-in inbox runs (then ready asks it)
 * @param kafkaSink whether the Kafka sink runs (then ready asks it)
 * @param deliveryTimeoutMs how long a message sent through the API waits for the device's ACK
 */
public record AdminSettings(
    String host,
    int port,
    Path keyStore,
    String keyStorePassword,
    Path certFile,
    Path keyFile,
    Path dataDir,
    long storeTimeoutMs,
    int expectedSize,
    boolean inbox,
    boolean kafkaSink,
    long deliveryTimeoutMs) {
  /** Whether the server speaks HTTPS (a key store or PEM files). */
  public boolean tls() {
    return keyStore != null || certFile != null;
  }

  @Override
  public String toString() {
    return "AdminSettings[" + host + ":" + port + ", tls=" + tls() + "]";
  }
}
