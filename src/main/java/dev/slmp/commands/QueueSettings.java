package dev.slmp.commands;

/**
 * The queue's bounds (built by {@code node.VerticleSettings} from {@code queue.*}).
 *
 * @param maxPerDevice commands queued for one device, past which an enqueue is refused
 * @param defaultTtlSeconds a command's time to live when the request names none
 * @param maxDevices devices with queued commands (this node's, or the cluster's), past which an
 *     enqueue for another device is refused
 * @param leaseMs how long a connection holds the commands it sends before another connection of the
 *     device may send them (a node that died holding them)
 * @param expirySweepSeconds how often expired commands are looked for
 * @param deviceMaxBody the largest DATA body a device takes ({@code deviceMaxBody})
 */
public record QueueSettings(
    int maxPerDevice,
    long defaultTtlSeconds,
    int maxDevices,
    long leaseMs,
    int expirySweepSeconds,
    int deviceMaxBody) {}
