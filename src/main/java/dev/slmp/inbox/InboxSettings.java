package dev.slmp.inbox;

import java.nio.file.Path;

/**
 * What an {@link InboxVerticle} needs of the configuration (built by {@code
 * node.VerticleSettings}).
 *
 * @param file the JSON-lines file it appends to ({@code inbox.file} inside {@code dataDir})
 * @param maxBatch messages per fsync at most
 * @param print whether it prints {@code Authenticated message from …} for every accepted message
 * @param maxQueue messages waiting for the disk at most; more are answered {@code NOT_DELIVERED}
 * @param minFreeBytes free space left on the file system; below it deliveries are answered {@code
 *     NOT_DELIVERED}
 * @param maxFileBytes size past which the file is rolled to {@code inbox-<n>.jsonl}
 */
public record InboxSettings(
    Path file, int maxBatch, boolean print, int maxQueue, long minFreeBytes, long maxFileBytes) {}
