package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.AckMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The synchronizer: when a round is entered (every member heard, a round timeout, a peer
 * ahead), how fast (min-round-interval, idle back-off, a timeout that adapts to a steady lag) and how
 * far ahead of the commit index (max-rounds-in-flight).
 */
class RoundPacingTest extends CoreFixture {

  @Test
  void entersNextRoundOnceEveryMembersMessageIsHeld() {
    core.tick(0);
    core.submit(0, req(1, 1));
    core.receive(10, round(1).from(1).acks(0, 1, 0).build());
    assertEquals(List.of(1L), out.rounds, "still missing replica 2's round-1 message");
    core.receive(20, round(1).from(2).acks(0, 0, 1).build());
    assertEquals(List.of(1L, 2L), out.rounds);
    assertTrue(out.violations.isEmpty());
  }

  @Test
  void minRoundIntervalHoldsTheNextRoundBack() {
    core = new ReplicaCore(config().minRoundIntervalNanos(MS / 2).build(), 0, out);
    core.tick(0);
    core.submit(0, req(1, 1));
    core.receive(10, round(1).from(1).acks(0, 1, 0).build());
    core.receive(20, round(1).from(2).acks(0, 0, 1).build());
    assertEquals(List.of(1L), out.rounds);
    assertEquals(MS / 2, core.nextDeadlineNanos());
    core.tick(MS / 2);
    assertEquals(List.of(1L, 2L), out.rounds);
  }

  @Test
  void roundTimeoutEntersAnywayAndRecordsAViolationPerMissingSender() {
    core.tick(0);
    core.receive(10, round(1).from(1).acks(0, 1, 0).build());
    assertEquals(MS, core.nextDeadlineNanos());
    core.tick(MS - 1);
    assertEquals(List.of(1L), out.rounds);
    core.tick(MS);
    assertEquals(List.of(1L, 2L), out.rounds);
    assertEquals(List.of(new Recorder.Violation(1, 2)), out.violations);
    assertEquals(1, core.consecutiveViolations(2));
    assertEquals(0, core.consecutiveViolations(1));
    assertEquals(1, core.stats().roundsTimedOut());
  }

  @Test
  void idleRoundsBackOffAndNewWorkWakesTheNextRoundAtOnce() {
    core.tick(0);
    long t = runWithPeersInStep(10, 0);
    assertTrue(out.violations.isEmpty());
    long r = core.currentRound();
    long[] acks = {r - 1, r, r - 1};
    core.receive(t, round(r).from(1).acks(acks).build());
    core.receive(t, round(r).from(2).acks(r - 1, r - 1, r).build());
    long idleGap = core.nextDeadlineNanos() - t;
    assertTrue(idleGap > MS, "idle rounds have backed off, gap " + idleGap);
    assertTrue(idleGap <= 10 * MS, "but never beyond idle-round-interval, gap " + idleGap);
    long roundBefore = core.currentRound();
    core.submit(t + 1, req(1, 1));
    assertEquals(roundBefore + 1, core.currentRound(), "a new request starts the next round at once");
    assertEquals(1, out.lastRoundMessage().batch().size());
  }

  @Test
  void aPeerAheadPullsTheNextRoundInWithoutIdleBackOff() {
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    // Round 2 entered; now idle pace has grown. A peer's round-3 message shows it is ahead.
    core.receive(5, round(2).from(1).acks(1, 2, 1).build());
    core.receive(5, round(2).from(2).acks(1, 1, 2).build());
    core.receive(5, round(3).from(1).acks(2, 3, 2).build());
    assertEquals(3, core.currentRound());
  }

  @Test
  void flowControlStopsAtMaxRoundsInFlightAndHeartbeatsAcks() {
    core.tick(0);
    long t = 0;
    for (int i = 0; i < 10; i++) {
      t += MS;
      core.tick(t);
    }
    assertEquals(4, core.currentRound(), "max-rounds-in-flight = 4 beyond commit index 0");
    List<AckMessage> heartbeats = out.sentOf(AckMessage.class);
    assertTrue(!heartbeats.isEmpty(), "acks still flow while rounds are held back");
    assertEquals(4, heartbeats.get(heartbeats.size() - 1).currentRound());
  }

  @Test
  void theRoundTimeoutStretchesToAPeersSteadyLagAndViolationsStop() {
    core = new ReplicaCore(config().suspectAfterRounds(150).build(), 0, out);
    assertEquals(MS, core.roundTimeoutNanos());
    // Replica 2 is always 1.5 ms late: beyond the 1 ms floor, within the 4 ms ceiling.
    driveWithLaggingPeer(3 * MS / 2, Long.MAX_VALUE, 2000 * MS);
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "a steadily late peer is not suspected");
    assertEquals(3 * MS, core.roundTimeoutNanos(), "twice the lag");
    long violations = core.stats().violations();
    assertTrue(violations > 0 && violations < 150, "only while the timeout adapted: " + violations);
    long rounds = core.currentRound();
    assertTrue(rounds > 200 && core.commitIndex() >= rounds - 2, "rounds kept going and committing: " + rounds);
  }
}
