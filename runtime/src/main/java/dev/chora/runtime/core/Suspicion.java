package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NEVER;
import static dev.chora.runtime.core.Sentinels.NO_REPLICA;
import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import dev.chora.runtime.core.ReplicaCore.Status;

/**
 * Suspicion and rejoin: when a member of the active set is taken for dead (rounds missed in a
 * row, silence, the failure detector), and when a member outside it has kept pace long enough to
 * be added back, with the rejoin damping that keeps a member that is not ready from flapping in
 * and out. Liveness only: it decides when a view change starts, never what a view decides.
 *
 * <p>Invariants: a replica never suspects itself; {@code suspected} holds only replicas not heard
 * from since they were suspected; a member's rejoin back-off stays within
 * [0, {@link #MAX_REJOIN_BACKOFF_SHIFT}].
 */
final class Suspicion {
  /**
   * A member removed from the active set soon after it was added back stays out up to 2^this times
   * rejoin-after-rounds before the next rejoin (see trackRejoins).
   */
  static final int MAX_REJOIN_BACKOFF_SHIFT = 4;
  /** A stint in the active set shorter than this many times the delay its rejoin needed is "soon". */
  static final int SHORT_STINT_FACTOR = 8;

  private final CoreContext c;
  /** Replicas this one suspected of being dead and has not heard from since (bit per id). */
  private int suspected;
  /** Why this replica last suspected a member, for operators (see ReplicaCore.lastSuspicion). */
  private String lastSuspicion;

  Suspicion(CoreContext c) {
    this.c = c;
  }

  String lastSuspicion() { return lastSuspicion; }

  /** Heard from {@code from}: alive after all. */
  void heardFrom(int from) {
    c.members[from].lastHeardNanos = c.now;
    suspected &= ~(1 << from);
  }

  /** The failure detector marks {@code replica} (another, valid one) unreachable: suspect it now. */
  void markUnreachable(int replica) {
    c.members[replica].unreachable = true;
    c.members[replica].onTimeRounds = 0;
    if (c.status() == Status.NORMAL && c.isActive(replica)) {
      c.stats.suspicions++;
      lastSuspicion = "suspected replica " + replica + " in view " + c.views.view() + " at round "
          + c.sync.currentRound() + ": the failure detector marked it unreachable";
      c.viewChange.start(c.viewChange.nextView());
    }
  }

  /**
   * Starts a view change if an active member has been missing suspect-after-rounds times in a row,
   * or has been missing twice in a row at least and not heard from at all (no message of any kind)
   * for suspect-after-max since its first missing message was due. Under load the loosened round
   * length stretches each timeout, and the rounds alone would let a dead member go unsuspected for
   * suspect-after-rounds x round-timeout-max; but a member whose messages come late, however late,
   * is still heard from, and only the rounds can suspect it — before the timeout has adapted to its
   * lag, its violations in a row are the timer's doing, not its death.
   *
   * <p>A replica outside the active set suspects by silence only. The group does not wait for it,
   * so a member it misses round after round while still hearing from it is not late: it is itself
   * behind (its inbound lags, its window is full, it fell back to the group's view thousands of
   * rounds after the group). Its view change would then only cost it more rounds, as its peers'
   * messages in the view it left are dropped: over aeron-udp one such replica cycled for minutes
   * between falling back to the group's view and suspecting the active members again. Nor is its
   * suspicion needed: the active set holds f+1, so a member's failure is seen by the other
   * members, whose StartViewChange it joins; and a member it has not heard from at all for
   * suspect-after-max is still suspected, as the deadline schedules.
   */
  boolean suspectSilentMember() {
    boolean bySilenceOnly = !c.isActive(c.self);
    int suspectAfterRounds = suspectAfterRounds();
    for (int j = 0; j < c.replicas; j++) {
      if (j == c.self || !c.isActive(j)) {
        continue;
      }
      int missed = c.members[j].consecutiveViolations;
      boolean silentTooLong = missed >= 2 && c.now >= silenceSuspectedAt(j);
      boolean byRounds = missed >= suspectAfterRounds && !bySilenceOnly;
      if (byRounds || silentTooLong) {
        c.stats.suspicions++;
        if (c.warmingUp()) {
          c.stats.suspicionsWhileWarmingUp++;
        }
        lastSuspicion = Diagnostics.describeSuspicion(c, j, missed, !byRounds);
        suspected |= 1 << j;
        c.viewChange.start(c.viewChange.nextView());
        return true;
      }
    }
    return false;
  }

  /**
   * Silent since it was last heard or since its message was due, whichever is later: the idle
   * back-off between rounds is no silence (a member has nothing to send then).
   */
  long silentSince(int j) {
    return Math.max(c.members[j].lastHeardNanos, c.members[j].dueSinceNanos);
  }

  private int suspectAfterRounds() {
    return c.warmingUp() ? c.config.suspectAfterRounds() * c.config.warmUpSuspicionFactor()
        : c.config.suspectAfterRounds();
  }

  private long suspectAfterMax() {
    return c.warmingUp() ? c.config.suspectAfterMaxNanos() * c.config.warmUpSuspicionFactor()
        : c.config.suspectAfterMaxNanos();
  }

  /**
   * When member j's current silence reaches the suspect-after-max that holds at that moment: the
   * longer one if that comes while warming up, else the ordinary one, or the end of the warm-up if
   * the ordinary one has passed by then. suspectSilentMember and deadlineNanos agree on it, so
   * the tick that asks for a suspicion finds it due.
   */
  private long silenceSuspectedAt(int j) {
    long since = silentSince(j);
    long ordinary = since + c.config.suspectAfterMaxNanos();
    long warmUpEnds = c.bornNanos + c.config.warmUpNanos();
    if (ordinary - warmUpEnds >= 0) { // as nanoTime is compared: by difference
      return ordinary;
    }
    return Math.min(since + c.config.suspectAfterMaxNanos() * c.config.warmUpSuspicionFactor(), warmUpEnds);
  }

  /** When a member missing rounds in a row will have been silent long enough to be suspected. */
  long deadlineNanos() {
    long deadline = Long.MAX_VALUE;
    for (int j = 0; j < c.replicas; j++) {
      if (j != c.self && c.isActive(j) && c.members[j].consecutiveViolations >= 2) {
        deadline = Math.min(deadline, silenceSuspectedAt(j));
      }
    }
    return deadline;
  }

  /**
   * Whether a view coordinated by {@code coordinator} is skipped (see ViewChange.nextView): it is
   * suspected, not heard from for suspect-after-max, unreachable, or outside the active set.
   */
  boolean skipsCoordinator(int coordinator) {
    MemberProgress p = c.members[coordinator];
    boolean longSilent = p.lastHeardNanos != NEVER && c.now - p.lastHeardNanos >= suspectAfterMax();
    return p.unreachable || (suspected & (1 << coordinator)) != 0 || longSilent || !c.isActive(coordinator);
  }

  /** Missing rounds in a row when the view change began at {@code sinceNanos}, and not heard from since. */
  boolean goneSilent(int k, long sinceNanos) {
    return c.members[k].consecutiveViolations >= 2 && c.members[k].lastHeardNanos < sinceNanos;
  }

  // ---------------------------------------------------------------- rejoin

  /** Members outside the active set acknowledge every round; count how long each has kept pace. */
  void trackPassiveMembers() {
    for (int k = 0; k < c.replicas; k++) {
      MemberProgress p = c.members[k];
      if (k == c.self || c.isActive(k)) {
        p.onTimeRounds = 0;
      } else if (p.highestSeenRound >= c.sync.currentRound() - 1 && !p.unreachable) {
        p.onTimeRounds++;
      } else {
        p.onTimeRounds = 0;
      }
    }
  }

  /**
   * A member outside the active set that has kept pace for rejoin-after-rounds rounds, has caught up
   * and has been out for its rejoin delay, or NO_REPLICA.
   */
  int rejoinCandidate() {
    for (int k = 0; k < c.replicas; k++) {
      MemberProgress p = c.members[k];
      if (k != c.self && !c.isActive(k) && !p.unreachable && p.onTimeRounds >= c.config.rejoinAfterRounds()
          && outLongEnough(k) && caughtUp(k)) {
        return k;
      }
    }
    return NO_REPLICA;
  }

  /**
   * The rounds member {@code k} stays outside the active set, counted from the first round of the
   * view that removed it, before this replica starts the view change that adds it back (it must
   * also have kept pace for the last rejoin-after-rounds of them): rejoin-after-rounds, doubled for
   * each time in a row it was removed soon after its last rejoin (see trackRejoins).
   */
  long rejoinDelayRounds(int k) {
    return (long) c.config.rejoinAfterRounds() << c.members[k].rejoinBackoffShift;
  }

  private boolean outLongEnough(int k) {
    long removedAt = c.members[k].removedAtRound;
    return removedAt == NO_ROUND || c.sync.currentRound() - removedAt >= rejoinDelayRounds(k);
  }

  /**
   * Rejoin damping. A member removed soon after it was added back (within SHORT_STINT_FACTOR times
   * the delay its rejoin needed) was not ready: typically a restarted JVM still warming up, which
   * keeps pace while the group is quiet, falls behind under load, is suspected, and comes back
   * again. In the fault tests such a member flapped in and out a dozen times in a few seconds,
   * and a kill that landed in the churn took 0.3 to 5 s to fail over instead of about 0.1 s. So
   * it stays out twice as long before its next rejoin, up to 2^MAX_REJOIN_BACKOFF_SHIFT times
   * rejoin-after-rounds; a member that stayed longer starts from rejoin-after-rounds again.
   *
   * <p>The delay is a hold-off, not a longer run of keeping pace: under load a member outside the
   * active set acknowledges a round one network hop after it began, and with rounds pipelined it
   * is now and then two behind, so a run of 256 on-time rounds in a row almost never happens;
   * asking for such a run would keep a member flapping through a one-way link cut out for good
   * once the link healed (as long as the load lasted). Each replica follows this from the views it
   * installs. Liveness only: it decides when a rejoin starts, never what a view decides.
   */
  void trackRejoins(int before, int after, long firstRound) {
    for (int k = 0; k < c.replicas; k++) {
      MemberProgress p = c.members[k];
      int bit = 1 << k;
      if ((before & bit) == 0 && (after & bit) != 0) {
        p.addedBackAtRound = firstRound;
      } else if ((before & bit) != 0 && (after & bit) == 0) {
        boolean soon = p.addedBackAtRound != NO_ROUND
            && firstRound - p.addedBackAtRound < SHORT_STINT_FACTOR * rejoinDelayRounds(k);
        p.rejoinBackoffShift = soon ? Math.min(p.rejoinBackoffShift + 1, MAX_REJOIN_BACKOFF_SHIFT) : 0;
        p.removedAtRound = firstRound;
      }
      assert p.rejoinBackoffShift >= 0 && p.rejoinBackoffShift <= MAX_REJOIN_BACKOFF_SHIFT;
    }
  }

  /** Member {@code k} has executed to within max-rounds-in-flight of this replica's commit index. */
  private boolean caughtUp(int k) {
    return c.members[k].peerExecutedRound + c.config.maxRoundsInFlight() >= c.replication.commitIndex();
  }

  /**
   * A member outside the active set has caught up and is keeping pace: it is on its way back
   * (rejoin-after-rounds rounds of it). An idle group then paces its rounds at the round timeout
   * at most, so that it lets the member back in after that many round timeouts, not that many idle
   * intervals. Not at full pace: the member acknowledges a round one network hop after it began,
   * and empty rounds back to back would leave it a round or two behind on every count, never
   * keeping pace; nor before it has caught up, since they would also move the commit index away
   * from it faster than it executes.
   */
  boolean rejoinUnderway() {
    if (!c.isActive(c.self)) {
      return false;
    }
    for (int k = 0; k < c.replicas; k++) {
      MemberProgress p = c.members[k];
      if (k != c.self && !c.isActive(k) && !p.unreachable && p.onTimeRounds > 0 && caughtUp(k)) {
        return true;
      }
    }
    return false;
  }
}
