package dev.chora.runtime.message;

/** Asks for proposer {@code proposer}'s slots {@code fromRound..toRound}, which the sender lacks. */
public record SlotRequest(long view, int from, int proposer, long fromRound, long toRound)
    implements PeerMessage {}
