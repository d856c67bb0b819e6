package dev.slmp.admin;

import dev.slmp.commands.Downlink;
import dev.slmp.datadir.DeviceRegistry;
import dev.slmp.gateway.ConnectionRegistry;
import dev.slmp.session.SessionStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What the admin server reads and acts on, handed over by the node (the admin package does not know
 * the node that assembles it).
 *
 * @param nodeId this node's id (the cluster's member id when clustered)
 * @param metrics the registry {@code /metrics} scrapes (SLMP's, Vert.x's and the JVM's meters)
 * @param devices this node's device registry ({@code devices.json})
 * @param connections this node's device connections
 * @param sessions the session store the readiness probe asks
 * @param slmpPort the gateway's port once listening, else -1
 * @param stopping true once the node began to shut down: ready goes DOWN first
 * @param downlink the node's command queue
 */
public record AdminContext(
    String nodeId,
    PrometheusMeterRegistry metrics,
    DeviceRegistry devices,
    ConnectionRegistry connections,
    SessionStore sessions,
    IntSupplier slmpPort,
    BooleanSupplier stopping,
    Downlink downlink) {}
