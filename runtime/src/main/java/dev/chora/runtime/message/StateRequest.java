package dev.chora.runtime.message;

/**
 * Asks for committed state from {@code fromRound} on: executed rounds if the receiver still holds
 * them, otherwise its snapshot from byte {@code snapshotOffset} (of the snapshot taken at
 * {@code snapshotRound}, or any if that is -1) with a round of at least {@code minSnapshotRound}.
 */
public record StateRequest(long view, int from, long fromRound, long minSnapshotRound, long snapshotRound,
    int snapshotOffset) implements PeerMessage {}
