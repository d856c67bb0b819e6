package dev.slmp.node;

import dev.slmp.commands.Downlink;
import dev.slmp.config.NodeConfig;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.gateway.ConnectionRegistry;
import dev.slmp.gateway.FailedAuthLimiter;
import dev.slmp.gateway.SourceLimiter;
import dev.slmp.metrics.SlmpMeters;
import dev.slmp.session.SessionStore;

/**
 * What the verticles of one node share in memory: handed to each instance when the node deploys it
 * (the Hono pattern: collaborators injected, not looked up). Everything here is thread-safe.
 */
public record NodeServices(
    NodeConfig config,
    DataDirectory data,
    SessionStore sessions,
    ConnectionRegistry connections,
    FailedAuthLimiter failedAuth,
    SourceLimiter sources,
    String nodeId,
    SlmpMeters meters,
    Downlink downlink) {}
