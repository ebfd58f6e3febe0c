package dev.chora.runtime.message;

/** Asks for the StartView of {@code view} or a later one: the sender saw traffic of a view it missed. */
public record ViewRequest(long view, int from) implements PeerMessage {}
