package dev.slmp.services;

import dev.slmp.handshake.ServerSettings;

/**
 * What a {@link HandshakeVerticle} needs of the configuration (built by {@code
 * node.VerticleSettings}).
 *
 * @param protocol suites, session lifetime, keep-alive and body limits it announces
 * @param timeoutMs how long an AUTH check by the auth verticle may take ({@code
 *     handshakeTimeoutMs})
 * @param p256OnWorker whether P-256 HELLOs go to a worker thread ({@code
 *     verticles.p256HandshakeOnWorker})
 * @param localAuth whether this node runs auth verticles ({@code verticles.auth} > 0): then a
 *     handshake asks only them, never another node over the cluster's event bus
 */
public record HandshakeSettings(
    ServerSettings protocol, int timeoutMs, boolean p256OnWorker, boolean localAuth) {}
