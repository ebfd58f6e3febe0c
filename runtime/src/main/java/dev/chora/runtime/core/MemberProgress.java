package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NEVER;
import static dev.chora.runtime.core.Sentinels.NO_ROUND;

/**
 * What this replica knows and tracks about one other replica (one instance per replica id, its
 * own included and unused for most fields), as etcd raft's {@code tracker.Progress}. Plain data:
 * the parts that own each concern write its fields.
 *
 * <p>Invariants: {@link #highestSeenRound} only grows within a view and {@link #peerExecutedRound}
 * is never negative; {@link #consecutiveViolations}, {@link #fetchAttempts} and
 * {@link #onTimeRounds} are never negative; {@link #gapSinceNanos} is {@link Sentinels#NEVER}
 * exactly when no gap in this member's slots is being waited out.
 */
final class MemberProgress {
  // ---- replication (Replication, SlotRepair)
  /** The highest round of this member's round or ack messages in the current view. */
  long highestSeenRound;
  /** The round this member last said it had executed (never negative). */
  long peerExecutedRound;
  /** Since when this replica has known of slots of this member it lacks, or NEVER. */
  long gapSinceNanos = NEVER;
  /** When the next slot request for this member's missing slots is due. */
  long nextFetchAtNanos;
  /** Slot requests sent for the current gap: picks whom to ask (see SlotRepair.fetchTarget). */
  int fetchAttempts;

  // ---- synchronizer and suspicion (Synchronizer, Suspicion)
  /** Rounds in a row this member was missing at the round timeout. */
  int consecutiveViolations;
  /** When this member was last heard from by any message, or NEVER: a late member is still heard, a dead one not. */
  long lastHeardNanos = NEVER;
  /** When the first round of this member's current run of violations began: its message was due then. */
  long dueSinceNanos;
  /** Rounds in a row this member, outside the active set, has kept pace. */
  int onTimeRounds;
  /** The failure detector marks this member unreachable. */
  boolean unreachable;
  /** The longest silence this member came back from in the pause-memory period {@link #pausePeriod}. */
  long pauseNanos;
  /** ... and in the period before it. */
  long previousPauseNanos;
  /** The pause-memory period {@link #pauseNanos} belongs to (see Suspicion.recentPauseNanos). */
  long pausePeriod = Long.MIN_VALUE;

  // ---- rejoin (Suspicion)
  /** Doublings of rejoin-after-rounds this member stays outside the active set before it is added back. */
  int rejoinBackoffShift;
  /** The first round of the view that last added this member back to the active set, or NO_ROUND. */
  long addedBackAtRound = NO_ROUND;
  /** The first round of the view that last removed this member from the active set, or NO_ROUND. */
  long removedAtRound = NO_ROUND;

  // ---- view change (ViewChange)
  /** When a StartViewChange from this member, outside the active set, was last answered, or NEVER. */
  long outsiderAnsweredAtNanos = NEVER;

  /** A new view: per-view progress starts again from its decided rounds. */
  void startView(long decidedThrough) {
    highestSeenRound = decidedThrough;
    gapSinceNanos = NEVER;
    fetchAttempts = 0;
    consecutiveViolations = 0;
    onTimeRounds = 0;
  }

  /** A message of the current view showed this member at {@code round}. */
  void seen(long round) {
    highestSeenRound = Math.max(highestSeenRound, round);
  }
}
