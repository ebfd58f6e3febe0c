package dev.chora.runtime.core;

/**
 * Deliberate bugs, switched on only by the simulator's mutation tests to show that its checkers
 * catch real mistakes. {@link #NONE} is the only value production code ever uses.
 */
public enum CoreMutation {
  NONE,
  /** Executes a committed slot this replica lacks as if it were empty, instead of fetching it. */
  SKIP_MISSING_SLOTS,
  /** Answers round-barrier reads at once from local state, without waiting for the barrier. */
  READ_WITHOUT_BARRIER,
  /** The executor applies retried requests again instead of answering from the client table. */
  NO_CLIENT_TABLE,
  /** Never answers slot requests, so a lost proposal is never recovered. */
  IGNORE_SLOT_REQUESTS,
  /** The coordinator takes each round's content from the sender with the lowest view tag, not the highest. */
  COORDINATOR_PREFERS_LOWER_VIEW,
  /** The coordinator turns the slots of the last decided round into no-ops even where held. */
  NOOP_PRESENT_SLOTS,
  /** Rounds decided by a StartView count as committed before f+1 replicas adopted the view. */
  COMMIT_DECIDED_BEFORE_QUORUM,
  /** A restarted replica, its state lost, starts as if the group were new instead of recovering. */
  RESTART_WITHOUT_RECOVERY,
  /** Commits a slot with f acknowledgements instead of f+1. */
  COMMIT_WITH_F_ACKS,
  /** Sends DoViewChange and StartView whole however large, instead of in frame-sized parts. */
  WHOLE_VIEW_CHANGE_MESSAGES,
  /** Falls back to an earlier view's StartView even after sending a DoViewChange for a later view. */
  FALL_BACK_DESPITE_PROMISE,
  /** Never falls back to an earlier view, so a replica the group answered instead of joining stays out. */
  NO_FALL_BACK,
  /** Durable mode: acknowledges a slot as soon as it is stored, before storage has persisted it. */
  ACK_BEFORE_SYNC,
  /**
   * Durable mode: sends a DoViewChange, or a view's first messages, without waiting for the view
   * state recording the promise or the adoption to be persisted.
   */
  SEND_BEFORE_VIEW_SYNC,
  /**
   * Not the core's: the simulator's durable replicas open stores that do not verify log records'
   * checksums, and so trust whatever a damaged disk returns.
   */
  TRUST_BAD_CHECKSUM
}
