package dev.slmp.gateway;

import dev.slmp.handshake.ServerSettings;

/**
 * What a {@link GatewayVerticle} needs of the configuration (built by {@code
 * node.VerticleSettings}).
 *
 * @param host address it listens on
 * @param port TCP port (0: any free port)
 * @param protocol suites, session lifetime, keep-alive and body limits of SLMP/1
 * @param handshakeTimeoutMs from accept until WELCOME/RESUMED
 * @param deliveryTimeoutMs how long a {@code slmp.deliver} consumer has to answer
 * @param publishIn whether every accepted message is also published on {@code slmp.in}
 * @param cryptoInstances crypto verticles to open and seal on; 0: in the gateway
 * @param maxConnections open connections, past which new ones get {@code CLOSE(BUSY)}
 * @param maxHandshakes handshakes in progress, past which {@code CLOSE(BUSY)}
 * @param maxInflightPerConnection deliveries of one connection awaiting an answer before it is no
 *     longer read
 * @param proxyProtocol whether every connection starts with a PROXY protocol header
 * @param legacy the prototype's format, or null when {@code legacy.enabled} is false
 */
public record GatewaySettings(
    String host,
    int port,
    ServerSettings protocol,
    int handshakeTimeoutMs,
    int deliveryTimeoutMs,
    boolean publishIn,
    int cryptoInstances,
    int maxConnections,
    int maxHandshakes,
    int maxInflightPerConnection,
    boolean proxyProtocol,
    LegacySettings legacy) {}
