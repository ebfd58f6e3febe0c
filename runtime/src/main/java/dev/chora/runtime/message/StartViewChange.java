package dev.chora.runtime.message;

/** The sender has stopped normal operation and moves to {@code view} (DESIGN §6 step 1). */
public record StartViewChange(long view, int from) implements PeerMessage {}
