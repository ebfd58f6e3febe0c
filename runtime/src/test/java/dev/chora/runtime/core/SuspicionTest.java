package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.startView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.sim.SimQueue;
import org.junit.jupiter.api.Test;

/**
 * Suspicion: a member is suspected after suspect-after-rounds missed rounds or a silence of
 * suspect-after-max, with longer thresholds while warming up, never for one late message or an idle
 * gap, and a replica outside the active set only suspects members it no longer hears from.
 */
class SuspicionTest extends CoreFixture {

  @Test
  void aSilentPeerIsSuspectedWithinSuspectAfterRoundsOfTheCeilingEvenAfterTheTimeoutStretched() {
    core = new ReplicaCore(config().suspectAfterRounds(150).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertTrue(core.roundTimeoutNanos() <= 4 * MS);
    assertTrue(silentAt > 0 && end - silentAt <= 150 * 4 * MS,
        "within suspect-after-rounds x round-timeout-max of its silence: " + (end - silentAt) + " ns");
  }

  @Test
  void suspectAfterMaxBoundsTheSilenceOfADeadMemberWhenTheTimeoutHasStretched() {
    // 150 rounds of a stretched 3 ms timeout would be 450 ms; suspect-after-max cuts it to 20 ms.
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertEquals(3 * MS, core.roundTimeoutNanos(), "the timeout had stretched to twice the lag");
    // Its silence counts from when its round-400 message was due (round 400's start), not from its
    // last message: the idle back-off before round 400 is no silence.
    long silence = end - silentAt;
    // Suspected the moment the silence reaches suspect-after-max, not at the next round timeout.
    assertEquals(20 * MS, silence, "suspect-after-max after its first missing message was due");
    assertTrue(silentAt >= lastFromTwo, "round 400 began after replica 2's last message");
    assertTrue(core.stats().violations() < 150, "long before suspect-after-rounds violations");
    assertTrue(core.lastSuspicion().startsWith("suspected replica 2 in view 0 at round ")
        && core.lastSuspicion().contains(": silent for 20 ms (suspect-after-max)"), core.lastSuspicion());
  }

  @Test
  void whileWarmingUpASilentMemberIsSuspectedAfterTheLongerSuspectAfterMax() {
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .warmUpNanos(100_000 * MS).warmUpSuspicionFactor(3).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertEquals(60 * MS, end - silentAt, "3 x suspect-after-max after its first missing message was due");
    assertTrue(core.lastSuspicion().contains(": silent for 60 ms (suspect-after-max), thresholds x3 while warming up"),
        core.lastSuspicion());
  }

  @Test
  void whileWarmingUpAMemberMustMissMoreRoundsToBeSuspected() {
    core = new ReplicaCore(config().suspectAfterRounds(6).suspectAfterMaxNanos(10_000 * MS)
        .warmUpNanos(100_000 * MS).warmUpSuspicionFactor(2).build(), 0, out);
    driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertTrue(core.lastSuspicion().contains("missing from 12 rounds in a row (suspect-after-rounds)"),
        core.lastSuspicion());
  }

  @Test
  void theWarmUpCountsFromTheFirstInputAndIsReported() {
    core = new ReplicaCore(config().warmUpNanos(100 * MS).build(), 0, out);
    assertFalse(core.isWarmingUp(), "no input yet");
    core.tick(7 * MS);
    assertTrue(core.isWarmingUp());
    core.tick(106 * MS);
    assertTrue(core.isWarmingUp(), "99 ms after its first input");
    core.tick(107 * MS);
    assertFalse(core.isWarmingUp(), "100 ms after it");
    ReplicaCore none = new ReplicaCore(config().build(), 0, out);
    none.tick(0);
    assertFalse(none.isWarmingUp(), "no warm-up by default in ChoraConfig");
  }

  @Test
  void pastItsWarmUpAReplicaSuspectsAfterTheOrdinaryThresholds() {
    // The warm-up counts from the replica's first input (its tick at 0) and ends long before round 400.
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .warmUpNanos(100 * MS).warmUpSuspicionFactor(3).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertTrue(silentAt > 100 * MS, "the silence began after the warm-up: " + silentAt);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertEquals(20 * MS, end - silentAt, "suspect-after-max after its first missing message was due");
    assertFalse(core.lastSuspicion().contains("warming up"), core.lastSuspicion());
  }

  /**
   * A silence that began during the warm-up and has outlasted the ordinary suspect-after-max
   * when the warm-up ends is suspected right then: the core asks for a tick at that moment.
   */
  @Test
  void aSilenceThatOutlastsTheOrdinaryThresholdIsSuspectedWhenTheWarmUpEnds() {
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS).build(), 0, out);
    driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    long silenceBegins = silentAt; // the same run, deterministic: replica 2's silence begins here
    // Warm-up ends 30 ms into that silence: past the ordinary 20 ms, before the warming 40 ms.
    out = new Recorder();
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .warmUpNanos(silenceBegins + 30 * MS).warmUpSuspicionFactor(2).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(silenceBegins, silentAt);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertEquals(30 * MS, end - silentAt, "suspected the moment the warm-up ended");
  }

  @Test
  void theLastSuspicionSaysWhoAndWhyForOperators() {
    core = new ReplicaCore(config().suspectAfterRounds(6).suspectAfterMaxNanos(10_000 * MS).build(), 0, out);
    assertNull(core.lastSuspicion(), "no suspicion yet");
    driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertTrue(core.lastSuspicion().contains("suspected replica 2")
        && core.lastSuspicion().contains("missing from 6 rounds in a row (suspect-after-rounds)"), core.lastSuspicion());

    ReplicaCore other = new ReplicaCore(config().build(), 0, out);
    other.tick(0);
    other.markUnreachable(MS, 1);
    assertEquals(1, other.stats().suspicions());
    assertTrue(other.lastSuspicion().contains("suspected replica 1 in view 0")
        && other.lastSuspicion().endsWith("the failure detector marked it unreachable"), other.lastSuspicion());
  }

  @Test
  void oneLateMessageIsNeverEnoughForSuspicionWhateverSuspectAfterMax() {
    ChoraConfig c = config().suspectAfterRounds(150).suspectAfterMaxNanos(2 * MS).build();
    core = new ReplicaCore(c, 0, out);
    // Replica 2 steadily 1.5 ms late: each round it may miss one timeout, never two in a row.
    driveWithLaggingPeer(3 * MS / 2, Long.MAX_VALUE, 500 * MS);
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "a late peer that keeps arriving is not suspected");
    assertEquals(0, core.stats().suspicions());
  }

  @Test
  void theIdleGapBeforeARoundIsNotCountedAsSilence() {
    // Idle rounds 50 ms apart; now and then replica 2 stalls for 10 ms just as a round begins.
    // Silent for 10 ms since that round was due, it must not be taken for 60 ms silent.
    core = new ReplicaCore(config().idleRoundIntervalNanos(50 * MS).suspectAfterRounds(150)
        .suspectAfterMaxNanos(20 * MS).build(), 0, out);
    SimQueue<Arrival> arrivals = new SimQueue<>();
    long t = 0;
    long lastRound = 0;
    long stallUntil = -1;
    int stalls = 0;
    while (t < 3000 * MS && core.status() == ReplicaCore.Status.NORMAL) {
      for (long r = lastRound + 1; r <= core.currentRound(); r++) {
        if (r % 10 == 0 && t >= stallUntil) {
          stallUntil = t + 10 * MS;
          stalls++;
        }
        arrivals.schedule(t, new Arrival(1, r));
        arrivals.schedule(Math.max(t, stallUntil), new Arrival(2, r));
      }
      lastRound = core.currentRound();
      t = deliverNextOrTick(arrivals, t);
    }
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "replica 2 was never silent for 20 ms (stall " + stalls + "): " + core.lastSuspicion());
    assertEquals(0, core.stats().suspicions());
    assertTrue(stalls >= 5, "the stalls happened: " + stalls);
    assertTrue(core.stats().violations() >= 2 * stalls, "each stall cost violations in a row: " + core.stats().violations());
  }

  @Test
  void aMemberThatFallsSilentWithThePipelineFullIsStillSuspected() {
    core = new ReplicaCore(config().suspectAfterRounds(3).build(), 0, out);
    core.tick(0);
    // Rounds 1-3 complete, with acks that commit nothing; round 4 fills the pipeline (4 in flight).
    long t = 0;
    while (core.currentRound() < 4) {
      long r = core.currentRound();
      core.receive(t, round(r).from(1).acks(0, 0, 0).build());
      core.receive(t, round(r).from(2).acks(0, 0, 0).build());
      if (core.currentRound() == r) {
        t = Math.max(t, core.nextDeadlineNanos());
        core.tick(t);
      }
    }
    assertEquals(0, core.stats().violations());
    // Replica 2 dies before sending round 4; round 5 may not be entered, so no round can time out.
    long silentSince = t;
    core.receive(t, round(4).from(1).acks(0, 0, 0).build());
    for (int i = 0; i < 20 && core.status() == ReplicaCore.Status.NORMAL; i++) {
      t = core.nextDeadlineNanos();
      core.tick(t);
    }
    assertTrue(t - silentSince <= 4 * MS, "suspected within a few round timeouts: " + (t - silentSince) + " ns");
    assertEquals(4, core.currentRound(), "no round could be entered");
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(),
        "three timeouts of silence from replica 2 suspect it, though no round timed out");
    assertEquals(3, core.stats().violations());
  }

  /**
   * A replica outside the active set that misses its peers' rounds while it hears from them is
   * behind, not watching a failure: it must not start a view change over them (over aeron-udp one
   * such replica cycled for minutes between the group's view and view changes of its own, dropping
   * the group's rounds meanwhile). A member it does not hear from at all is still suspected, after
   * suspect-after-max, and the core never asks for a tick it then lets pass (no busy loop).
   */
  @Test
  void aReplicaOutsideTheActiveSetSuspectsOnlyMembersItNoLongerHearsFrom() {
    ChoraConfig c = config().suspectAfterRounds(5).suspectAfterMaxNanos(20 * MS).build();
    core = new ReplicaCore(c, 2, out);
    core.tick(0);
    // View 1: this replica outside
    core.receive(MS, startView(1).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    assertEquals(0b011, core.activeSet());
    // The group is ahead: its members' acks keep coming, their slots of this replica's rounds do not.
    long t = MS;
    long nextAck = t;
    while (t < 300 * MS) {
      if (t >= nextAck) {
        core.receive(t, ack(3).inView(1).from(0).acks(0, 0, 0).build());
        core.receive(t, ack(3).inView(1).from(1).acks(0, 0, 0).build());
        nextAck = t + MS / 2;
      }
      long deadline = core.nextDeadlineNanos();
      assertTrue(deadline > t, "a tick it will act on, not one it lets pass: " + deadline + " at " + t);
      t = Math.max(t + 1, Math.min(deadline, nextAck));
      core.tick(t);
    }
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "no view change: " + core.lastSuspicion());
    assertEquals(1, core.view());
    assertEquals(0, core.stats().suspicions());
    assertTrue(core.stats().violations() >= 2 * 5, "the members were missing from its rounds: " + core.stats().violations());
    // Now the members fall silent: after suspect-after-max the replica suspects one of them.
    long silentFrom = t;
    for (int i = 0; i < 100 && core.status() == ReplicaCore.Status.NORMAL; i++) {
      long deadline = core.nextDeadlineNanos();
      assertTrue(deadline > t, "the next tick is ahead: " + deadline + " at " + t);
      t = deadline;
      core.tick(t);
    }
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "a silent member is suspected");
    assertTrue(t - silentFrom <= 20 * MS + 2 * MS, "within suspect-after-max of the silence: " + (t - silentFrom) + " ns");
    assertTrue(core.lastSuspicion().contains("(suspect-after-max)"), core.lastSuspicion());
  }

  // ---------------------------------------------------------------- a slow member from a dead one

  @Test
  void aMemberThatPausedAndCameBackMayPauseUpToTwiceAsLongAgainWithoutBeingSuspected() {
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .suspectLateAfterNanos(100 * MS).build(), 0, out);
    // Replica 2 pauses for 15 ms at round 10 (under suspect-after-max), then for 28 ms every 20
    // rounds: longer than suspect-after-max each time, never longer than twice its first pause.
    int pauses = runWithPausingPeer(r -> r == 10 ? 15 * MS : r % 20 == 0 ? 28 * MS : 0, 3000 * MS);
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "no view change: " + core.lastSuspicion());
    assertEquals(0, core.stats().suspicions());
    assertTrue(pauses >= 6, "the pauses happened: " + pauses);
  }

  @Test
  void aSilenceIsSuspectedAtTwiceTheMembersLongestRecentPauseWithinSuspectLateAfter() {
    // Paused 15 ms at round 10, then silent for good from round 100: suspected after 30 ms of it.
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .suspectLateAfterNanos(100 * MS).build(), 0, out);
    runWithPausingPeer(r -> r == 10 ? 15 * MS : r == 100 ? 100_000 * MS : 0, 3000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 100, is suspected");
    assertEquals(30 * MS, lastEnd - silentAt, "twice its pause after its first missing message was due");
    assertTrue(core.lastSuspicion().contains(": silent for 30 ms (suspect-after-max, twice its longest recent pause"),
        core.lastSuspicion());
    // The same with suspect-late-after 25 ms: the slack stops there.
    out = new Recorder();
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .suspectLateAfterNanos(25 * MS).build(), 0, out);
    runWithPausingPeer(r -> r == 10 ? 15 * MS : r == 100 ? 100_000 * MS : 0, 3000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 100, is suspected");
    assertEquals(25 * MS, lastEnd - silentAt, "suspect-late-after bounds the slack");
  }

  @Test
  void aMemberThatNeverPausedIsSuspectedAfterSuspectAfterMaxWhateverSuspectLateAfter() {
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS)
        .suspectLateAfterNanos(500 * MS).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS / 2, 400, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, silent from round 400, is suspected");
    assertEquals(20 * MS, end - silentAt, "suspect-after-max after its first missing message was due");
  }

  /**
   * A member whose round messages all come late, beyond what the round timeout can stretch to, yet
   * keep coming (it is heard from every few milliseconds): it misses every round, and would be
   * suspected after suspect-after-rounds of them; but it is slow, not dead, and a view change costs
   * more than its lateness. It is suspected once it has stalled the rounds for suspect-late-after.
   */
  @Test
  void aMemberHeardFromButLateIsSuspectedOnlyAfterSuspectLateAfter() {
    core = new ReplicaCore(config().roundTimeoutMaxNanos(MS).suspectAfterRounds(5).suspectAfterMaxNanos(20 * MS)
        .suspectLateAfterNanos(100 * MS).build(), 0, out);
    long end = driveWithLaggingPeer(3 * MS, Long.MAX_VALUE, 5000 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "a member that stalls every round is suspected in the end");
    assertTrue(end >= 100 * MS && end <= 110 * MS, "after suspect-late-after of missed rounds: " + end / MS + " ms");
    assertTrue(core.stats().violations() >= 30, "it missed round after round: " + core.stats().violations());
    assertTrue(core.lastSuspicion().contains(", heard from meanwhile (suspect-after-rounds, suspect-late-after)"),
        core.lastSuspicion());
  }

  /**
   * This replica itself stops running for 37 ms (a GC pause, a host that starves it) just after a
   * member's message is due; the member's messages wait in its inbox meanwhile. When it runs again
   * the first input is its overdue tick: the member is not silent for those 37 ms, this replica
   * was deaf, and it must not suspect the member for it.
   */
  @Test
  void aReplicaDoesNotTakeItsOwnStallForItsPeersSilence() {
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS).build(), 0, out);
    SimQueue<Arrival> arrivals = new SimQueue<>();
    long t = 0;
    core.tick(t);
    long lastRound = 0;
    long stallAt = -1;
    boolean stalled = false;
    while (t < 1000 * MS && core.status() == ReplicaCore.Status.NORMAL) {
      for (long r = lastRound + 1; r <= core.currentRound(); r++) {
        arrivals.schedule(t, new Arrival(1, r));
        arrivals.schedule(r >= 20 && r < 25 ? t + 5 * MS : t, new Arrival(2, r));
        if (r == 20) {
          stallAt = t + 3 * MS;
        }
      }
      lastRound = core.currentRound();
      if (stallAt >= 0 && !stalled) {
        long deadline = core.nextDeadlineNanos();
        SimQueue.Scheduled<Arrival> due = arrivals.pollDue(Math.min(deadline, stallAt - 1));
        if (due != null) {
          t = Math.max(t, due.time());
          long r = due.item().round();
          core.receive(t, round(r).from(due.item().from()).acks(r - 1, r - 1, r - 1).build());
          continue;
        }
        if (deadline >= stallAt) {
          stalled = true;
          assertTrue(core.consecutiveViolations(2) >= 2, "replica 2 was missing when the stall began");
          t = stallAt + 37 * MS;
          core.tick(t); // the overdue tick comes first, then the messages that waited
          continue;
        }
      }
      t = deliverNextOrTick(arrivals, t);
    }
    assertTrue(stalled, "the stall happened");
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "no view change: " + core.lastSuspicion());
    assertEquals(0, core.stats().suspicions());
  }

  /**
   * A replica starved again and again (each of its inputs 10 ms after it was due) still suspects a
   * member that died: the grace after its own stall is given once per silence, so the suspicion
   * comes within suspect-after-max and two stalls.
   */
  @Test
  void aReplicaStalledAgainAndAgainStillSuspectsADeadMemberWithinItsLimitAndTwoStalls() {
    core = new ReplicaCore(config().suspectAfterRounds(150).suspectAfterMaxNanos(20 * MS).build(), 0, out);
    SimQueue<Arrival> arrivals = new SimQueue<>();
    long t = 0;
    core.tick(t);
    long lastRound = 0;
    while (t < 5000 * MS && core.status() == ReplicaCore.Status.NORMAL) {
      for (long r = lastRound + 1; r <= core.currentRound(); r++) {
        arrivals.schedule(t, new Arrival(1, r));
        if (r < 20) {
          arrivals.schedule(t, new Arrival(2, r));
        } else if (r == 20) {
          silentAt = t;
        }
      }
      lastRound = core.currentRound();
      long late = silentAt >= 0 ? 10 * MS : 0;
      long deadline = core.nextDeadlineNanos();
      SimQueue.Scheduled<Arrival> due = arrivals.pollDue(deadline);
      if (due != null) {
        t = Math.max(t, due.time() + late);
        long r = due.item().round();
        core.receive(t, round(r).from(due.item().from()).acks(r - 1, r - 1, r - 1).build());
      } else {
        t = Math.max(t, deadline + late);
        core.tick(t);
      }
    }
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "replica 2, dead from round 20, is suspected");
    assertTrue(core.stats().ownStalls() >= 2, "this replica stalled again and again: " + core.stats().ownStalls());
    assertTrue(t - silentAt <= 20 * MS + 2 * 10 * MS + 2 * MS,
        "within suspect-after-max and two stalls: " + (t - silentAt) / 1000 + " us");
  }

  /** The time of the last input of the last runWithPausingPeer. */
  long lastEnd;

  /**
   * Replica 1's round messages come at round entry, replica 2's too unless it is paused: at the
   * entry of each round r it pauses for {@code pauseAt.applyAsLong(r)} (0: none), and what it
   * would have sent meanwhile comes when the pause ends. Runs until {@code until} or a view
   * change; returns the number of pauses.
   */
  int runWithPausingPeer(java.util.function.LongUnaryOperator pauseAt, long until) {
    SimQueue<Arrival> arrivals = new SimQueue<>();
    long t = 0;
    core.tick(t);
    long lastRound = 0;
    long pausedUntil = -1;
    int pauses = 0;
    while (t < until && core.status() == ReplicaCore.Status.NORMAL) {
      for (long r = lastRound + 1; r <= core.currentRound(); r++) {
        long pause = pauseAt.applyAsLong(r);
        if (pause > 0 && t >= pausedUntil) {
          pausedUntil = t + pause;
          pauses++;
          silentAt = t;
        }
        arrivals.schedule(t, new Arrival(1, r));
        arrivals.schedule(Math.max(t, pausedUntil), new Arrival(2, r));
      }
      lastRound = core.currentRound();
      t = deliverNextOrTick(arrivals, t);
    }
    lastEnd = t;
    return pauses;
  }
}
