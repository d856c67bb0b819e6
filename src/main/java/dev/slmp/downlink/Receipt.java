package dev.slmp.downlink;

/**
 * One outcome of one command, as published on {@code slmp.out.receipt}.
 *
 * @param at epoch milliseconds
 */
public record Receipt(String id, String device, Outcome outcome, long at) {}
