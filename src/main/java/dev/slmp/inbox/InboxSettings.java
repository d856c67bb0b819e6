package dev.slmp.inbox;

import java.nio.file.Path;

/**
 * What an {@link InboxVerticle} needs of the configuration (built by {@code node.VerticleSettings}).
 *
 * @param file the JSON-lines file it appends to ({@code inbox.file} inside {@code dataDir})
 * @param maxBatch messages per fsync at most
 * @param print whether it prints {@code Authenticated message from …} for every accepted message
 */
public record InboxSettings(Path file, int maxBatch, boolean print) {}
