package dev.slmp.connection;

import java.util.concurrent.CompletionStage;

/**
 * A DATA a connection sent: its sequence number and the completion of its own write to the
 * transport (it fails when the frame could not be sealed or the connection closed before the frame
 * was handed over). The device's ACK, when one was requested, is reported separately by the
 * connection's listener.
 */
public record SentData(long seq, CompletionStage<Void> written) {}
