package dev.chora.runtime.core;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.RoundSlots;

/**
 * What a durable replica's core asks storage to persist ({@link CoreOutput#persist}), in the order
 * it must be replayed. Entries are numbered from 1 in the order they are emitted; storage reports
 * the highest number that is on disk with {@link ReplicaCore#persisted}. Replaying every entry above
 * a snapshot in order, into an empty log, rebuilds the rounds the replica held (see
 * {@link Restored}); the latest {@link ViewRecord} is the view state to restart with.
 *
 * <p>Only the durable mode emits entries. The core never waits for storage except where the
 * protocol requires it: an acknowledgement covers only persisted slots, and a message that reveals
 * a promise or an adoption leaves only after the {@link ViewRecord} that records it is persisted.
 */
public sealed interface LogEntry {

  /** A slot stored for the first time: proposer's batch in round, with the round's proposer set and view tag. */
  record Slot(long round, int proposer, int proposers, long tag, Batch batch) implements LogEntry {}

  /**
   * A whole round replaced by decided or committed content (a StartView, a state transfer), with
   * its tag: it replaces whatever an earlier entry stored for the round.
   */
  record Round(RoundSlots slots) implements LogEntry {}

  /** Every round above {@code round} forgotten: an uncommitted suffix a view change replaced. */
  record ClearAbove(long round) implements LogEntry {}

  /**
   * The view state Viewstamped Replication must keep across a restart once replicas have disks: the
   * view the replica is in or moving to, the last view it was normal in, the highest view it
   * promised (a DoViewChange sent, or a decided StartView accepted), and the active set and first
   * round of its last installed view. Replaces every earlier view record.
   */
  record ViewRecord(long view, long lastNormalView, long promisedView, int activeSet, long firstRound)
      implements LogEntry {}
}
