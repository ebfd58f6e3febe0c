package dev.chora.actors.control;

/**
 * Replica {@code from} asks the replica it is sent to for the inbox to send it peer messages
 * through. Sent to that replica's configured address; the answer, a {@link PeerLinkGrant}, goes to
 * {@code from}'s configured address (never to the asker), echoing {@code nonce}. {@code fresh}:
 * {@code from} holds no inbox of the receiver's (it has just started, perhaps as a new incarnation
 * whose own inboxes are new), so the receiver asks it for its inbox in turn; a replica that only
 * checks that the inbox it holds is still current does not make its peer ask back.
 */
public record PeerLinkRequest(int from, long nonce, boolean fresh) {}
