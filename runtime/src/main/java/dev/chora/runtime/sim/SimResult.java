package dev.chora.runtime.sim;

/**
 * What one simulated run did.
 *
 * @param digest      a hash of every event processed, in order: equal digests, equal runs
 * @param run         how far the run got and what it repaired
 * @param faults      the faults injected
 * @param viewChanges how view changes went (the replicas' last incarnations)
 * @param log         how close the logs came to their bounds
 * @param violation   the first broken invariant, or null
 * @param divergedReplicas bit mask of the replicas that stopped because their state diverged
 */
public record SimResult(long seed, int replicas, long digest, RunFigures run, FaultFigures faults,
    ViewChangeFigures viewChanges, LogFigures log, SimulationViolation violation, int divergedReplicas,
    DiskFigures disk) {

  public boolean ok() {
    return violation == null;
  }

  /**
   * @param rounds             the highest round any replica entered
   * @param events             simulated events processed
   * @param operations         client operations completed (the checked history)
   * @param appliedRequests    requests applied, summed over the replicas' last incarnations
   * @param slotsRecovered     slots that arrived by transfer after their round message was lost
   * @param snapshotsInstalled snapshots installed by state transfer
   * @param recoveryRounds     rounds from the end of faults until every request completed, every
   *                           replica executed everything and all were NORMAL in one view, all
   *                           active; -1 if the run failed first
   * @param sessionsExpired    client operations answered SESSION_EXPIRED: their session had been
   *                           forgotten by the client table (or never opened)
   * @param checkpointsMatched peers' state digests found equal to a replica's own at a divergence
   *                           checkpoint, summed over the replicas' last incarnations
   */
  public record RunFigures(long rounds, long events, long operations, long appliedRequests, long slotsRecovered,
      long snapshotsInstalled, long recoveryRounds, long sessionsExpired, long checkpointsMatched) {
    public static final RunFigures ZERO = new RunFigures(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Counts summed; {@code recoveryRounds} the longer of the two. */
    public RunFigures plus(RunFigures o) {
      return new RunFigures(rounds + o.rounds, events + o.events, operations + o.operations,
          appliedRequests + o.appliedRequests, slotsRecovered + o.slotsRecovered,
          snapshotsInstalled + o.snapshotsInstalled, Math.max(recoveryRounds, o.recoveryRounds),
          sessionsExpired + o.sessionsExpired, checkpointsMatched + o.checkpointsMatched);
    }
  }

  /**
   * @param synchronyViolations    missing senders recorded at round timeouts
   * @param messagesDropped        messages the network lost
   * @param crashes                crashes with state lost
   * @param crashesInViewChange    crashes injected the moment a replica started a view change
   * @param crashesInStateTransfer crashes injected as a state-transfer message was sent
   * @param pauses                 long pauses (events wait, state kept)
   * @param isolations             replicas cut off both ways
   * @param oneWayPartitions       mute and deaf episodes
   * @param flappingLinks          isolations that came and went
   * @param lags                   episodes of a replica's inbound running tens of round timeouts late
   */
  public record FaultFigures(long synchronyViolations, long messagesDropped, long crashes, long crashesInViewChange,
      long crashesInStateTransfer, long pauses, long isolations, long oneWayPartitions, long flappingLinks,
      long lags) {
    public static final FaultFigures ZERO = new FaultFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public FaultFigures plus(FaultFigures o) {
      return new FaultFigures(synchronyViolations + o.synchronyViolations, messagesDropped + o.messagesDropped,
          crashes + o.crashes, crashesInViewChange + o.crashesInViewChange,
          crashesInStateTransfer + o.crashesInStateTransfer, pauses + o.pauses, isolations + o.isolations,
          oneWayPartitions + o.oneWayPartitions, flappingLinks + o.flappingLinks, lags + o.lags);
    }
  }

  /**
   * @param viewsInstalled              adoptions of a view by a replica
   * @param messagesInParts             DoViewChange and StartView messages sent in several parts
   * @param outsiderViewChangesAnswered StartViewChange messages from outside the active set answered
   *                                    with the current view's StartView instead of joined
   * @param viewsFallenBackTo           views adopted below the view a replica was changing to
   * @param suspicionsWhileWarmingUp    suspicions raised by a replica still in its warm-up
   */
  public record ViewChangeFigures(long viewsInstalled, long messagesInParts, long outsiderViewChangesAnswered,
      long viewsFallenBackTo, long suspicionsWhileWarmingUp) {
    public static final ViewChangeFigures ZERO = new ViewChangeFigures(0, 0, 0, 0, 0);

    public ViewChangeFigures plus(ViewChangeFigures o) {
      return new ViewChangeFigures(viewsInstalled + o.viewsInstalled, messagesInParts + o.messagesInParts,
          outsiderViewChangesAnswered + o.outsiderViewChangesAnswered, viewsFallenBackTo + o.viewsFallenBackTo,
          suspicionsWhileWarmingUp + o.suspicionsWhileWarmingUp);
    }
  }

  /**
   * @param peakRetainedSlots         the most slots any replica held at once
   * @param roundsHeldAtMaxLogBytes   times a replica stopped proposing at max-log-bytes
   * @param slotsDroppedAtMaxLogBytes peers' slots a replica outside the active set did not store at
   *                                  max-log-bytes
   */
  public record LogFigures(long peakRetainedSlots, long roundsHeldAtMaxLogBytes, long slotsDroppedAtMaxLogBytes) {
    public static final LogFigures ZERO = new LogFigures(0, 0, 0);

    /** Counts summed; {@code peakRetainedSlots} the higher of the two. */
    public LogFigures plus(LogFigures o) {
      return new LogFigures(Math.max(peakRetainedSlots, o.peakRetainedSlots),
          roundsHeldAtMaxLogBytes + o.roundsHeldAtMaxLogBytes, slotsDroppedAtMaxLogBytes + o.slotsDroppedAtMaxLogBytes);
    }
  }

  /**
   * Durable mode's figures (all zero in memory mode).
   *
   * @param outages            crashes of more than f replicas at once (every one, or f+1)
   * @param restartsFromDisk   incarnations that restarted from what their disk held
   * @param bitFlips           bits flipped in a crashed replica's stored files
   * @param corruptionsRefused disks the store refused as damaged on a restart (wiped, recovered from peers)
   * @param diskFulls          disks that filled up
   * @param storageFailures    incarnations whose disk refused a write or a sync
   */
  public record DiskFigures(long outages, long restartsFromDisk, long bitFlips, long corruptionsRefused, long diskFulls,
      long storageFailures) {
    public static final DiskFigures ZERO = new DiskFigures(0, 0, 0, 0, 0, 0);

    public DiskFigures plus(DiskFigures o) {
      return new DiskFigures(outages + o.outages, restartsFromDisk + o.restartsFromDisk, bitFlips + o.bitFlips,
          corruptionsRefused + o.corruptionsRefused, diskFulls + o.diskFulls, storageFailures + o.storageFailures);
    }
  }
}
