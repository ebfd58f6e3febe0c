package dev.chora.runtime.core;

/**
 * Counters of one core, read by metrics and tests. Written only by the core's thread; readers on
 * other threads see values that may be slightly stale, which is all a metric needs.
 */
public final class CoreStats {
  long roundsEntered;
  long roundsTimedOut;
  long violations;
  long requestsProposed;
  long overloaded;
  long duplicateSubmits;
  long requestsForwarded;
  long slotsRecovered;
  long suspicions;
  long suspicionsWhileWarmingUp;
  long ownStalls;
  long rejoins;
  long viewChangesStarted;
  long viewChangeTimeouts;
  long inconsistentViewChanges;
  long stateRequestsSent;
  long snapshotsInstalled;
  long viewChangeMessagesInParts;
  long outsiderViewChangesAnswered;
  long viewsFallenBackTo;
  long roundsHeldAtMaxLogBytes;
  long slotsDroppedAtMaxLogBytes;
  long divergenceReports;
  long checkpointsMatched;
  long requestsTimed;
  long requestWaitNanos;
  long requestReplicationNanos;
  final long[] dropped = new long[DropReason.values().length];

  public long roundsEntered() { return roundsEntered; }
  /** Requests admitted here and executed from this replica's own slot: those the next two figures sum over. */
  public long requestsTimed() { return requestsTimed; }
  /** Summed over {@link #requestsTimed}: from admission here to the round that proposed it. */
  public long requestWaitNanos() { return requestWaitNanos; }
  /** Summed over {@link #requestsTimed}: from its proposal to its execution here (replication and commit). */
  public long requestReplicationNanos() { return requestReplicationNanos; }
  /** Divergence reports given (see {@link DivergenceReport}): state digests that differed at a checkpoint. */
  public long divergenceReports() { return divergenceReports; }
  /** Peers' state digests that were found equal to this replica's at a divergence checkpoint. */
  public long checkpointsMatched() { return checkpointsMatched; }
  /** Rounds entered by timeout rather than with every member's message in hand. */
  public long roundsTimedOut() { return roundsTimedOut; }
  /** Missing-sender records: one per member missing when a round timed out. */
  public long violations() { return violations; }
  public long requestsProposed() { return requestsProposed; }
  public long overloaded() { return overloaded; }
  /** Retries of a request that was still queued or in flight here, absorbed without a new slot. */
  public long duplicateSubmits() { return duplicateSubmits; }
  /** Client requests sent on to the leader (the {@code leader} proposer policy only), retries included. */
  public long requestsForwarded() { return requestsForwarded; }
  /** Slots that arrived through a slot transfer rather than their round message. */
  public long slotsRecovered() { return slotsRecovered; }
  /** View changes started because an active member missed suspect-after-rounds rounds in a row. */
  public long suspicions() { return suspicions; }
  /** Of the suspicions, those raised while this replica was warming up (longer thresholds). */
  public long suspicionsWhileWarmingUp() { return suspicionsWhileWarmingUp; }
  /** Inputs that came more than a round timeout after the tick asked for: stalls of this replica, not counted as its peers' silence. */
  public long ownStalls() { return ownStalls; }
  /** View changes started to add a caught-up member back to the active set. */
  public long rejoins() { return rejoins; }
  public long viewChangesStarted() { return viewChangesStarted; }
  public long viewChangeTimeouts() { return viewChangeTimeouts; }
  /**
   * DoViewChange sets that contradicted each other, so no decision was made. Zero with correct
   * peers; the simulator fails a run where it is not.
   */
  public long inconsistentViewChanges() { return inconsistentViewChanges; }
  public long stateRequestsSent() { return stateRequestsSent; }
  public long snapshotsInstalled() { return snapshotsInstalled; }
  /** DoViewChange and StartView messages too large for one frame, sent in several parts. */
  public long viewChangeMessagesInParts() { return viewChangeMessagesInParts; }
  /**
   * StartViewChange messages from outside the active set that this replica, normal in a view the
   * sender could still adopt, answered with that view's StartView instead of joining.
   */
  public long outsiderViewChangesAnswered() { return outsiderViewChangesAnswered; }
  /** Views this replica adopted below the view it was changing to (it had promised nothing there). */
  public long viewsFallenBackTo() { return viewsFallenBackTo; }
  /** Times this replica stopped proposing because its log held max-log-bytes (counted once per stop). */
  public long roundsHeldAtMaxLogBytes() { return roundsHeldAtMaxLogBytes; }
  /** Peers' slots not stored, outside the active set, because the log held max-log-bytes. */
  public long slotsDroppedAtMaxLogBytes() { return slotsDroppedAtMaxLogBytes; }

  public long dropped(DropReason reason) { return dropped[reason.ordinal()]; }
}
