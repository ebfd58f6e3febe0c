package dev.chora.runtime.message;

import java.util.List;

/**
 * The coordinator's decision for {@code view} (DESIGN §6 step 3): the active set, the first round,
 * {@code executedThrough} — the highest round executed by a sender of the DoViewChange messages
 * used ({@code executedAt}), which every replica can fetch as committed state — and every round
 * after it up to firstRound - 1, decided in full (a slot nobody in the quorum held is an empty
 * batch: a no-op).
 */
public record StartView(long view, int from, int activeSet, long firstRound, long executedThrough, int executedAt,
    List<RoundSlots> decided) implements PeerMessage {}
