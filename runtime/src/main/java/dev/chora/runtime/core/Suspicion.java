package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NEVER;
import static dev.chora.runtime.core.Sentinels.NO_REPLICA;
import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import dev.chora.runtime.core.ReplicaCore.Status;

/**
 * Suspicion and rejoin: when a member of the active set is taken for dead (silence, rounds stalled
 * for long, the failure detector), and when a member outside it has kept pace long enough to be
 * added back, with the rejoin damping that keeps a member that is not ready from flapping in and
 * out. Liveness only: it decides when a view change starts, never what a view decides.
 *
 * <p>A slow member is told from a dead one: a member still heard from is late, not dead, and is
 * suspected only once it has stalled the rounds for suspect-late-after; a member that paused and
 * came back may stay silent for twice its longest recent pause (within suspect-late-after) before
 * its silence is suspected; and a stall of this replica's own (it ran late: it was not there to
 * hear) is not counted as its peers' silence. A member that never paused and falls silent is
 * suspected after suspect-after-max, as a dead one must be.
 *
 * <p>Invariants: a replica never suspects itself; {@code suspected} holds only replicas not heard
 * from since they were suspected; a member's rejoin back-off stays within
 * [0, {@link #MAX_REJOIN_BACKOFF_SHIFT}]; a silence limit lies within [suspect-after-max,
 * max(suspect-after-max, suspect-late-after)] (both times the warm-up factor while warming up).
 */
final class Suspicion {
  /**
   * A member removed from the active set soon after it was added back stays out up to 2^this times
   * rejoin-after-rounds before the next rejoin (see trackRejoins).
   */
  static final int MAX_REJOIN_BACKOFF_SHIFT = 4;
  /** A stint in the active set shorter than this many times the delay its rejoin needed is "soon". */
  static final int SHORT_STINT_FACTOR = 8;
  /**
   * A member's pauses are remembered for one to two periods of this: long enough to span the
   * collections of a JVM under load (tens of seconds apart once warm, and those of its warm-up),
   * short enough that a member that has stopped pausing is suspected after suspect-after-max
   * again within minutes.
   */
  static final long PAUSE_MEMORY_NANOS = 60_000_000_000L;
  /** A member that came back from a pause may stay silent this many times as long before it is suspected. */
  static final int PAUSE_SLACK_FACTOR = 2;

  private final CoreContext c;
  /** Replicas this one suspected of being dead and has not heard from since (bit per id). */
  private int suspected;
  /** Why this replica last suspected a member, for operators (see ReplicaCore.lastSuspicion). */
  private String lastSuspicion;
  /** The tick the caller was last asked for (nextDeadlineNanos), or Long.MAX_VALUE once an input came. */
  private long tickDueNanos = Long.MAX_VALUE;
  /** How long this replica's last stall beyond a round timeout lasted, or 0. */
  private long lastOwnStallNanos;
  /** When that stall ended (the input that came late), or NEVER. */
  private long ownStallEndedNanos = NEVER;

  Suspicion(CoreContext c) {
    this.c = c;
  }

  String lastSuspicion() { return lastSuspicion; }

  long lastOwnStallNanos() { return lastOwnStallNanos; }

  /**
   * Heard from {@code from}: alive after all. A member that was missing (or suspected) came back
   * from a pause as long as its silence: remembered, it is given that much slack next time.
   */
  void heardFrom(int from) {
    MemberProgress p = c.members[from];
    if (p.consecutiveViolations > 0 || (suspected & (1 << from)) != 0) {
      rememberPause(p, c.now - silentSince(from) - ownStallWithin(silentSince(from)));
    }
    p.lastHeardNanos = c.now;
    suspected &= ~(1 << from);
  }

  /** The caller will tick at {@code deadline} unless another input comes first; returns it. */
  long tickDue(long deadline) {
    tickDueNanos = deadline;
    return deadline;
  }

  /**
   * Before an input at {@code now}: if the tick asked for came more than a round timeout late,
   * this replica was not running (a pause of its JVM, a starved thread, a backlog ahead of it in
   * its thread), and heard nothing because it was not listening; what its peers sent meanwhile
   * waits behind this input. Ticks late by less are scheduling noise.
   */
  void noteOwnStall(long now) {
    long due = tickDueNanos;
    tickDueNanos = Long.MAX_VALUE;
    if (due == Long.MAX_VALUE || c.bornNanos == NEVER) {
      return;
    }
    long stall = now - Math.max(due, c.now);
    if (stall > c.config.roundTimeoutNanos()) {
      lastOwnStallNanos = stall;
      ownStallEndedNanos = now;
      c.stats.ownStalls++;
    }
  }

  /**
   * A silence that reached member j's limit only during this replica's own last stall is not
   * suspected until as long again after the stall (a round timeout at least): the messages that
   * waited meanwhile, and the backlog behind them, are read first. Once only: a silence that had
   * reached the limit before the stall began, or that lasts past the grace, is suspected, so a
   * replica starved again and again still suspects a dead member within its limit and two stalls.
   */
  private long afterOwnStall(long suspectedAt) {
    if (ownStallEndedNanos == NEVER || suspectedAt - (ownStallEndedNanos - lastOwnStallNanos) <= 0) {
      return suspectedAt;
    }
    return Math.max(suspectedAt, ownStallEndedNanos + Math.max(c.roundTimeout(), lastOwnStallNanos));
  }

  /** How much of this replica's own last stall falls after {@code since} (and before now). */
  private long ownStallWithin(long since) {
    if (ownStallEndedNanos == NEVER) {
      return 0;
    }
    long from = Math.max(since, ownStallEndedNanos - lastOwnStallNanos);
    return Math.max(0, Math.min(c.now, ownStallEndedNanos) - from);
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
   * Starts a view change if an active member has been missing twice in a row at least and not
   * heard from at all (no message of any kind) for its silence limit since its first missing
   * message was due (see silenceLimit: suspect-after-max, or more for a member that paused and
   * came back); or has been missing suspect-after-rounds times in a row, over suspect-late-after
   * if it was heard from meanwhile, or at once if it was silent and has no pause to its credit.
   * A member whose messages come late, however late, is heard from: it is slow, not dead, and a
   * view change would cost the group more than its lateness, until it has stalled the rounds that
   * long. Under load the loosened round length stretches each timeout, and the rounds alone would
   * let a dead member go unsuspected for suspect-after-rounds x round-timeout-max, which the
   * silence limit bounds; a member that paused and came back is not suspected by the rounds while
   * silent, or suspect-after-rounds short timeouts would undo its slack.
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
      MemberProgress p = c.members[j];
      int missed = p.consecutiveViolations;
      boolean silentTooLong = missed >= 2 && c.now - afterOwnStall(silenceSuspectedAt(j)) >= 0;
      boolean heard = p.lastHeardNanos != NEVER && p.lastHeardNanos - p.dueSinceNanos > 0;
      boolean byRounds = missed >= suspectAfterRounds && !bySilenceOnly
          && (heard ? c.now - p.dueSinceNanos >= lateLimit(c.warmingUp()) : !pausedBefore(j));
      if (byRounds || silentTooLong) {
        c.stats.suspicions++;
        if (c.warmingUp()) {
          c.stats.suspicionsWhileWarmingUp++;
        }
        lastSuspicion = Diagnostics.describeSuspicion(c, j, missed, silentTooLong, heard);
        suspected |= 1 << j;
        c.viewChange.start(c.viewChange.nextView());
        return true;
      }
    }
    return false;
  }

  /**
   * Silent since it was last heard or since its message was due, whichever is later: the idle
   * interval between rounds is no silence (a member has nothing to send then).
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

  /** How long a member heard from may stall the rounds before it is suspected. */
  private long lateLimit(boolean warmingUp) {
    long factor = warmingUp ? c.config.warmUpSuspicionFactor() : 1;
    return Math.max(c.config.suspectAfterMaxNanos(), c.config.suspectLateAfterNanos()) * factor;
  }

  /**
   * How long member j may stay silent before it is suspected: suspect-after-max, or twice its
   * longest pause of the last one to two PAUSE_MEMORY_NANOS if longer, within suspect-late-after.
   * A collection of a loaded JVM can outlast suspect-after-max; one that comes back from such
   * pauses is alive, and its next one is likely as long. A member that never paused, as most do
   * until they die, keeps suspect-after-max.
   */
  long silenceLimit(int j, boolean warmingUp) {
    long factor = warmingUp ? c.config.warmUpSuspicionFactor() : 1;
    long base = c.config.suspectAfterMaxNanos() * factor;
    long slack = Math.min(lateLimit(warmingUp), PAUSE_SLACK_FACTOR * recentPauseNanos(j));
    return Math.max(base, slack);
  }

  /** Member j came back from a pause recently that gives it a silence limit above suspect-after-max. */
  private boolean pausedBefore(int j) {
    return silenceLimit(j, false) > c.config.suspectAfterMaxNanos();
  }

  /** The longest silence member j came back from in this pause-memory period and the one before. */
  long recentPauseNanos(int j) {
    MemberProgress p = c.members[j];
    long period = pausePeriod();
    if (p.pausePeriod == period) {
      return Math.max(p.pauseNanos, p.previousPauseNanos);
    }
    return p.pausePeriod == period - 1 ? p.pauseNanos : 0;
  }

  private long pausePeriod() {
    return Math.floorDiv(c.now - c.bornNanos, PAUSE_MEMORY_NANOS);
  }

  /**
   * A silence longer than the late limit is not a pause to make room for: a crash and restart,
   * a partition, a member removed and back; it would only keep the member's limit at the ceiling.
   */
  private void rememberPause(MemberProgress p, long pause) {
    if (pause > lateLimit(false)) {
      return;
    }
    long period = pausePeriod();
    if (p.pausePeriod != period) {
      p.previousPauseNanos = p.pausePeriod == period - 1 ? p.pauseNanos : 0;
      p.pauseNanos = 0;
      p.pausePeriod = period;
    }
    p.pauseNanos = Math.max(p.pauseNanos, pause);
  }

  /**
   * When member j's current silence reaches the silence limit that holds at that moment: the
   * longer one if that comes while warming up, else the ordinary one, or the end of the warm-up if
   * the ordinary one has passed by then. suspectSilentMember and deadlineNanos agree on it, so
   * the tick that asks for a suspicion finds it due.
   */
  private long silenceSuspectedAt(int j) {
    long since = silentSince(j);
    long ordinary = since + silenceLimit(j, false);
    long warmUpEnds = c.bornNanos + c.config.warmUpNanos();
    if (ordinary - warmUpEnds >= 0) { // as nanoTime is compared: by difference
      return ordinary;
    }
    return Math.min(since + silenceLimit(j, true), warmUpEnds);
  }

  /** When a member missing rounds in a row will have been silent long enough to be suspected. */
  long deadlineNanos() {
    long deadline = Long.MAX_VALUE;
    for (int j = 0; j < c.replicas; j++) {
      if (j != c.self && c.isActive(j) && c.members[j].consecutiveViolations >= 2) {
        deadline = Math.min(deadline, afterOwnStall(silenceSuspectedAt(j)));
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
