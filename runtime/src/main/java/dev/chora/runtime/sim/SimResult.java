package dev.chora.runtime.sim;

/**
 * What one simulated run did.
 *
 * @param rounds            the highest round any replica entered
 * @param events            simulated events processed
 * @param digest            a hash of every event processed, in order: equal digests, equal runs
 * @param recoveryRounds    rounds from the end of faults until every request completed, every
 *                          replica executed everything and all were NORMAL in one view, all active
 * @param partitions        isolations, one-way losses and flapping links injected
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
    long pauses,
    long partitions,
    long viewsInstalled,
    long snapshotsInstalled,
    SimulationViolation violation) {

  public boolean ok() {
    return violation == null;
  }
}
