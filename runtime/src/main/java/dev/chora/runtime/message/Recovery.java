package dev.chora.runtime.message;

/**
 * A restarted replica, which has lost its state, asks to recover (DESIGN §7). {@code nonce} is
 * fresh for each restart. {@code afterView} is -1 until the replica has heard from f+1 others;
 * then it is the highest view they reported, and the replica will only adopt a later view.
 * {@code view} is always -1: a recovering replica has none.
 */
public record Recovery(long view, int from, long nonce, long afterView) implements PeerMessage {}
