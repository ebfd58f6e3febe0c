package dev.chora.actors.control;

/**
 * Replica {@code from} asks the replica it is sent to for the inbox to send it peer messages
 * through. Sent to that replica's configured address; the answer, a {@link PeerLinkGrant}, goes to
 * {@code from}'s configured address (never to the asker), echoing {@code nonce}.
 */
public record PeerLinkRequest(int from, long nonce) {}
