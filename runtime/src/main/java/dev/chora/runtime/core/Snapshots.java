package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.BEFORE_FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import dev.chora.runtime.message.Batch;

/**
 * The executor's snapshots as this replica keeps them: when to ask for one (every
 * snapshot-every-rounds rounds, or sooner once snapshot-every-bytes were executed), the last one
 * and the one before it (so that a transfer in progress can finish), and the one asked for and not
 * yet returned. The kept snapshot's digest, when the executor gave one, goes to
 * {@link DivergenceCheck}, which compares it with the peers' at checkpoint rounds.
 *
 * <p>Invariants, asserted in {@link #keep}: {@link #round} only grows and is at most the executed round; a kept snapshot's
 * previous one is older; {@link #pendingRound} is {@link Sentinels#NO_ROUND} or a round asked of
 * the executor.
 */
final class Snapshots {
  private final CoreContext c;
  /** The round the kept snapshot is the state after (BEFORE_FIRST_ROUND: none yet). */
  long round = BEFORE_FIRST_ROUND;
  byte[] state;
  /** The executor's digest of {@link #state}, if {@link #digestKnown} (an installed state has none). */
  private long digest;
  private boolean digestKnown;
  long previousRound = NO_ROUND;
  byte[] previousState;
  /** A snapshot asked of the executor and not returned yet, or NO_ROUND. */
  long pendingRound = NO_ROUND;
  private boolean appliedSince;
  /** Bytes of the batches executed since the last snapshot was asked for (snapshot-every-bytes). */
  private long bytesSince;

  Snapshots(CoreContext c) {
    this.c = c;
  }

  /**
   * The executor's snapshot of the state after executing {@code taken}, with its digest if
   * {@code hasDigest}; the log below it is truncated.
   */
  void taken(long taken, byte[] takenState, boolean hasDigest, long takenDigest) {
    if (taken == pendingRound) {
      pendingRound = NO_ROUND;
    }
    if (taken > round && taken <= c.replication.executedRound() && takenState != null) {
      keep(taken, takenState, hasDigest, takenDigest);
      c.replication.truncate();
    }
  }

  /**
   * The previous snapshot stays available so that a transfer in progress can finish. A kept
   * state's digest at a checkpoint round goes to divergence detection.
   */
  void keep(long kept, byte[] keptState, boolean hasDigest, long keptDigest) {
    assert kept >= round : "snapshots only move forward: " + round + " -> " + kept;
    assert kept <= c.replication.executedRound() : "a snapshot of round " + kept + " not yet executed";
    if (state != null) {
      previousRound = round;
      previousState = state;
    }
    round = kept;
    state = keptState;
    digest = keptDigest;
    digestKnown = hasDigest;
    if (hasDigest) {
      c.divergence.own(kept, keptDigest);
    }
  }

  /** A batch was handed to the executor. */
  void applied(Batch batch) {
    if (!batch.isEmpty()) {
      appliedSince = true;
      bytesSince += batch.sizeBytes();
    }
  }

  /**
   * Round {@code r} is executed. Every snapshot-every-rounds rounds (the same rounds on every
   * replica), or sooner once the log since the last snapshot holds snapshot-every-bytes: the rounds
   * bound the log's length, the bytes its memory under heavy batches. A snapshot costs in
   * proportion to the state, so with a large state and light batches it is taken no more often
   * than the rounds ask.
   */
  void executed(long r) {
    if (r % c.config.snapshotEveryRounds() == 0 || bytesSince >= c.config.snapshotEveryBytes()) {
      bytesSince = 0;
      if (!appliedSince && state != null && pendingRound == NO_ROUND && !c.durability.on()) {
        // Nothing applied since: the same state under a later round. Not in durable mode, where the
        // log is freed only below a snapshot storage has saved (see CoreOutput.takeSnapshot).
        keep(r, state, digestKnown, digest);
      } else {
        appliedSince = false;
        pendingRound = r;
        c.out.takeSnapshot(r);
      }
    }
  }

  /** A snapshot received by state transfer replaced the executor's state. */
  void installed(long installed, byte[] installedState) {
    keep(installed, installedState, false, 0); // a peer's state: comparing it with itself tells nothing
    appliedSince = false;
    bytesSince = 0;
    pendingRound = NO_ROUND;
  }
}
