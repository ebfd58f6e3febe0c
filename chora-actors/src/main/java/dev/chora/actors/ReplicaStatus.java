package dev.chora.actors;

/**
 * What a replica reports about itself: protocol position, counters since it started, and recent
 * commit latency. Counters only grow, so a reader derives rates (round rate, violation rate,
 * requests per round) from two samples and their {@link #sampledAtNanos} (the replica's clock).
 *
 * @param status              NORMAL, VIEW_CHANGE or RECOVERING; STARTING while a replica that claims the
 *                            group's first start asks its peers whether the group has a history
 * @param activeSet           bit i set when replica i is in the active set of {@code view}
 * @param roundsEntered       rounds this replica has proposed in
 * @param violations          synchrony violations seen (a round missing a member's message)
 * @param viewChanges         view changes this replica started
 * @param requestsProposed    client requests this replica put into its batches
 * @param requestsExecuted    requests applied to the state machine here (from every proposer)
 * @param queuedRequests      requests waiting for this replica's next batch
 * @param commitLatencyP50Ms  median time from proposing a round to its commit, over recent rounds
 * @param commitLatencyP99Ms  99th percentile of the same
 * @param roundTimeoutMs      the round timeout in use, adapted to peers' lags between
 *                            protocol.round-timeout and round-timeout-max
 * @param roundsTimedOut      rounds entered by timeout rather than with every member's message
 * @param suspicions          view changes started because a member missed suspect-after-rounds rounds
 * @param stateRequests       state-transfer requests sent (catching up by whole rounds or a snapshot)
 * @param viewChangeTimeouts  view changes that did not complete within view-change-timeout and
 *                            moved on to a later view (a high rate means messages are slower than
 *                            the timeout, or a coordinator is unreachable)
 * @param viewChangeMessagesInParts DoViewChange and StartView messages this replica sent in several
 *                            parts because they held more than max-transfer-bytes of rounds
 * @param outsiderViewChangesAnswered StartViewChange messages from replicas outside the active set
 *                            answered with this replica's view instead of joined: a replica that
 *                            hears its peers late (see docs/protocol.md)
 * @param viewsFallenBackTo   views this replica adopted below the one it was changing to, after
 *                            the group answered its StartViewChange with its view
 * @param warmingUp           within protocol.warm-up of this replica's start: its suspicion
 *                            thresholds are warm-up-suspicion-factor times longer, and so is a
 *                            fail-over that it has to notice
 */
public record ReplicaStatus(int replicaId, String status, long view, int activeSet, long currentRound,
    long commitIndex, long executedRound, long roundsEntered, long violations, long viewChanges,
    long requestsProposed, long requestsExecuted, int queuedRequests, double commitLatencyP50Ms,
    double commitLatencyP99Ms, double roundTimeoutMs, long roundsTimedOut, long suspicions, long stateRequests,
    long viewChangeTimeouts, long viewChangeMessagesInParts, long outsiderViewChangesAnswered, long viewsFallenBackTo,
    boolean warmingUp, long sampledAtNanos) {

  /** A replica not yet running the protocol (status {@code status}): no view, no rounds, no history. */
  public static ReplicaStatus starting(int replicaId, String status) {
    return new ReplicaStatus(replicaId, status, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        false, System.nanoTime());
  }

  /** Whether replica {@code id} is in this replica's active set. */
  public boolean isActive(int id) {
    return (activeSet & (1 << id)) != 0;
  }
}
