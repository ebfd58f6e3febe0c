package dev.chora.runtime.sim;

/**
 * What one simulated run did.
 *
 * @param rounds            the highest round any replica entered
 * @param events            simulated events processed
 * @param digest            a hash of every event processed, in order: equal digests, equal runs
 * @param recoveryRounds    rounds from the end of faults until every request completed, every
 *                          replica executed everything and all were NORMAL in one view, all active
 * @param crashesInViewChange    crashes injected the moment a replica started a view change
 * @param crashesInStateTransfer crashes injected as a state-transfer message was sent
 * @param oneWayPartitions  mute and deaf episodes
 * @param lags              episodes of a replica's inbound running tens of round timeouts late
 * @param viewChangeMessagesInParts DoViewChange and StartView messages sent in several parts (by
 *                          the replicas' last incarnations)
 * @param outsiderViewChangesAnswered StartViewChange messages from outside the active set answered
 *                          with the current view's StartView instead of joined (last incarnations)
 * @param suspicionsWhileWarmingUp suspicions raised by a replica still in its warm-up (last incarnations)
 * @param viewsFallenBackTo views adopted below the view a replica was changing to (last incarnations)
 * @param roundsHeldAtMaxLogBytes times a replica stopped proposing at max-log-bytes (last incarnations)
 * @param slotsDroppedAtMaxLogBytes peers' slots a replica outside the active set did not store at
 *                          max-log-bytes (last incarnations)
 * @param violation         the first broken invariant, or null
 */
public record SimResult(
    long seed,
    int replicas,
    long rounds,
    long events,
    long digest,
    long operations,
    long appliedRequests,
    long violations,
    long slotsRecovered,
    long messagesDropped,
    long recoveryRounds,
    long peakRetainedSlots,
    long crashes,
    long crashesInViewChange,
    long crashesInStateTransfer,
    long pauses,
    long isolations,
    long oneWayPartitions,
    long flappingLinks,
    long lags,
    long viewsInstalled,
    long snapshotsInstalled,
    long viewChangeMessagesInParts,
    long outsiderViewChangesAnswered,
    long viewsFallenBackTo,
    long suspicionsWhileWarmingUp,
    long roundsHeldAtMaxLogBytes,
    long slotsDroppedAtMaxLogBytes,
    SimulationViolation violation) {

  public boolean ok() {
    return violation == null;
  }
}
