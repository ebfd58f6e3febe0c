package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import java.util.Arrays;

/**
 * Divergence detection: replicas compare digests of their states at checkpoint rounds, and one
 * whose state differs from a quorum's stops.
 *
 * <p>The checkpoint rounds are the multiples of divergence-check-every-snapshots x
 * snapshot-every-rounds: the same rounds on every replica, and rounds at which {@link Snapshots}
 * always has a snapshot taken (or keeps the last one, when nothing was applied since). The executor
 * computes the digest of the state after the round (state machine and client table) with the
 * snapshot, where execution is, and it comes in here as an input with it ({@link #own}); nothing
 * in the core hashes state. This replica's latest checkpoint (round, digest) rides on every
 * RoundMessage and AckMessage it sends ({@link #latestRound}, {@link #latestDigest}); peers' come
 * in with theirs ({@link #reported}), whatever their view, since executed state does not depend on
 * views. No message is added.
 *
 * <p>The rule, at a checkpoint round r for which this replica has its own digest D:
 * <ul>
 *   <li>if at least f+1 other replicas report one digest E != D, this replica's state is not the
 *       group's: it is {@link DivergenceReport.Verdict#DIVERGED DIVERGED}, terminally (the facade
 *       then takes no input: it neither votes, nor proposes, nor executes, nor serves a read);
 *   <li>else if D is held by a quorum (f+1, itself included), each replica reporting another digest
 *       is reported once as {@link DivergenceReport.Verdict#PEERS_DIVERGED PEERS_DIVERGED};
 *   <li>else, if digests differ, the round is reported once as
 *       {@link DivergenceReport.Verdict#UNRESOLVED UNRESOLVED}, when every replica's digest is in
 *       or when this replica reaches its next checkpoint with the round still undecided (a peer
 *       that has not reported by then may be down): none can tell which state is right, so every
 *       replica goes on, and the operator decides.
 * </ul>
 * A deterministic state machine gives equal digests at equal rounds, so detection never stops a
 * replica of a deterministic group: the rule needs f+1 replicas holding one digest and this one
 * holding another. With f+1 replicas agreeing on a wrong state (a fault of the state machine on a
 * majority of nodes), the minority stops: detection follows the quorum, as the protocol does.
 *
 * <p>Invariants: every row holds a checkpoint round (a multiple of the interval) or
 * {@link Sentinels#NO_ROUND}, and the row of round r is {@code (r / interval) % WINDOW}, so at
 * most {@link #WINDOW} checkpoints are remembered (bounded whatever peers report); a row's
 * {@code known} mask only grows while it holds the same round; {@link #latestRound} only grows;
 * {@link #diverged} once set never changes. Deterministic: digests are inputs, time plays no part.
 */
final class DivergenceCheck {
  /** Checkpoint rounds remembered: peers up to this many checkpoints apart are still compared. */
  static final int WINDOW = 8;

  private final CoreContext c;
  /** Checkpoints are the multiples of this; 0: detection is off. */
  private final long interval;
  private final long[] rows = new long[WINDOW];
  private final long[][] digests;
  private final int[] known = new int[WINDOW];
  /** Per row: the replicas already reported as differing from this replica (and a quorum). */
  private final int[] reportedPeers = new int[WINDOW];
  private final boolean[] reportedUnresolved = new boolean[WINDOW];
  private long latestRound = NO_ROUND;
  private long latestDigest;
  private DivergenceReport diverged;

  DivergenceCheck(CoreContext c) {
    this.c = c;
    this.interval = c.config.divergenceCheckEveryRounds();
    this.digests = new long[WINDOW][c.replicas];
    Arrays.fill(rows, NO_ROUND);
  }

  /** This replica's latest checkpoint round with its digest, or NO_ROUND: what it sends. */
  long latestRound() { return latestRound; }

  long latestDigest() { return latestDigest; }

  /** This replica's DIVERGED verdict, or null while its state is not known to differ. */
  DivergenceReport diverged() { return diverged; }

  boolean isCheckpoint(long round) {
    return interval > 0 && round > 0 && round % interval == 0;
  }

  /** The executor's digest of this replica's state after executing {@code round}. */
  void own(long round, long digest) {
    if (!isCheckpoint(round) || diverged != null) {
      return;
    }
    if (round > latestRound) {
      latestRound = round;
      latestDigest = digest;
    }
    int row = row(round);
    if (row < 0) {
      return;
    }
    record(row, c.self, digest);
    // Earlier checkpoints still undecided: whoever was to report them has had an interval to.
    for (int i = 0; i < WINDOW && diverged == null; i++) {
      if (i != row && rows[i] != NO_ROUND && rows[i] < round) {
        reportUnresolved(i);
      }
    }
  }

  /** Replica {@code from}'s digest of its state after {@code round}, piggybacked on its message. */
  void reported(int from, long round, long digest) {
    if (!isCheckpoint(round) || diverged != null) {
      return;
    }
    int row = row(round);
    if (row >= 0) {
      record(row, from, digest);
    }
  }

  /** The row of {@code round}, taken over if it held an older round; -1 if it holds a newer one. */
  private int row(long round) {
    int i = (int) ((round / interval) % WINDOW);
    if (rows[i] > round) {
      return -1;
    }
    if (rows[i] < round) {
      rows[i] = round;
      known[i] = 0;
      reportedPeers[i] = 0;
      reportedUnresolved[i] = false;
    }
    return i;
  }

  private void record(int row, int replica, long digest) {
    int bit = 1 << replica;
    if ((known[row] & bit) != 0) {
      return; // repeated on every message until the sender's next checkpoint; a digest never changes
    }
    digests[row][replica] = digest;
    known[row] |= bit;
    // Each digest is recorded once, so each pair of equal digests (this replica's and a peer's) counts once.
    int self = 1 << c.self;
    if ((known[row] & self) != 0) {
      c.stats.checkpointsMatched += replica == c.self ? holders(row, digest) - 1 : digest == digests[row][c.self] ? 1 : 0;
    }
    decide(row);
  }

  private void decide(int row) {
    if ((known[row] & (1 << c.self)) == 0) {
      return;
    }
    long own = digests[row][c.self];
    int differing = 0;
    for (int k = 0; k < c.replicas; k++) {
      if (k != c.self && (known[row] & (1 << k)) != 0 && digests[row][k] != own) {
        differing |= 1 << k;
        if (holders(row, digests[row][k]) >= c.quorum) {
          diverged = report(row, DivergenceReport.Verdict.DIVERGED);
          c.stats.divergenceReports++;
          c.out.divergence(diverged);
          return;
        }
      }
    }
    if (holders(row, own) >= c.quorum) {
      int unreported = differing & ~reportedPeers[row];
      if (unreported != 0) {
        reportedPeers[row] |= unreported;
        c.stats.divergenceReports++;
        c.out.divergence(report(row, DivergenceReport.Verdict.PEERS_DIVERGED));
      }
    } else if (known[row] == c.everyone) {
      reportUnresolved(row);
    }
  }

  /** Reports the row once if digests differ there and none is a quorum's (see the class comment). */
  private void reportUnresolved(int row) {
    if (reportedUnresolved[row] || (known[row] & (1 << c.self)) == 0) {
      return;
    }
    long own = digests[row][c.self];
    boolean differ = false;
    for (int k = 0; k < c.replicas; k++) {
      if ((known[row] & (1 << k)) != 0) {
        if (holders(row, digests[row][k]) >= c.quorum) {
          return; // decided: by decide()
        }
        differ |= digests[row][k] != own;
      }
    }
    if (differ) {
      reportedUnresolved[row] = true;
      c.stats.divergenceReports++;
      c.out.divergence(report(row, DivergenceReport.Verdict.UNRESOLVED));
    }
  }

  /** The replicas heard at this row holding {@code digest}. */
  private int holders(int row, long digest) {
    int count = 0;
    for (int k = 0; k < c.replicas; k++) {
      if ((known[row] & (1 << k)) != 0 && digests[row][k] == digest) {
        count++;
      }
    }
    return count;
  }

  private DivergenceReport report(int row, DivergenceReport.Verdict verdict) {
    return new DivergenceReport(rows[row], c.self, verdict, digests[row].clone(), known[row]);
  }
}
