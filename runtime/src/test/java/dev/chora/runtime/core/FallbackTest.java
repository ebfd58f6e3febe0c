package dev.chora.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.sim.InFlight;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The fallback path as a story (DESIGN §5–§7): suspicion, view change, the coordinator's timeout,
 * recovery of a restarted replica with its state lost, state transfer and rejoin.
 */
class FallbackTest {
  static final long MS = 1_000_000;

  static ChoraConfig config() {
    return ChoraConfig.builder(3)
        .roundTimeoutNanos(MS)
        .idleRoundIntervalNanos(2 * MS)
        .suspectAfterRounds(3)
        .viewChangeTimeoutNanos(10 * MS)
        .maxRoundsInFlight(4)
        .snapshotEveryRounds(8)
        .logWindowRounds(64)
        .rejoinAfterRounds(5)
        .build();
  }

  final TestGroup group = new TestGroup(config());
  int seq;

  void load(int replica, int requests) {
    for (int i = 0; i < requests; i++) {
      group.submit(replica, new Request(100 + replica, ++seq, new byte[] {1}));
      group.run(MS);
    }
  }

  @Test
  void aCrashedActiveMemberIsSuspectedAndTheOthersCarryOn() {
    group.run(10 * MS);
    group.crash(2);
    load(0, 20);
    group.run(20 * MS);
    for (int i = 0; i < 2; i++) {
      ReplicaCore c = group.cores[i];
      assertEquals(ReplicaCore.Status.NORMAL, c.status());
      assertEquals(0b011, c.activeSet(), "replica 2 is out of the active set");
      assertTrue(c.view() >= 1);
      assertEquals(20, group.counters[i].total, "every request executed on the two live replicas");
    }
    assertTrue(group.cores[0].stats().suspicions() + group.cores[1].stats().suspicions() > 0);
  }

  /**
   * The coordinator waits a round-timeout after its quorum for replicas that have not reported,
   * so that every live one enters the active set at once — but not for the member being replaced:
   * it was missing rounds when the view change began and has said nothing since.
   */
  @Test
  void theCoordinatorDoesNotWaitForTheMemberBeingReplaced() {
    TestGroup g = new TestGroup(ChoraConfig.builder(3)
        .roundTimeoutNanos(5 * MS)
        .idleRoundIntervalNanos(10 * MS)
        .suspectAfterRounds(3)
        .viewChangeTimeoutNanos(50 * MS)
        .build());
    g.run(10 * MS);
    g.crash(2);
    ReplicaCore zero = g.cores[0];
    long deadline = g.now + 200 * MS;
    int seq = 0;
    while (zero.status() == ReplicaCore.Status.NORMAL && g.now < deadline) {
      g.submit(0, new Request(7, ++seq, new byte[] {1}));
      g.step();
    }
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, zero.status(), "replica 2's silence started a view change");
    long began = g.now;
    while (zero.status() != ReplicaCore.Status.NORMAL && g.now < deadline) {
      g.step();
    }
    assertEquals(0b011, zero.activeSet());
    long took = g.now - began;
    assertTrue(took < 5 * MS, "the view change took " + took / 1000 + " µs: the coordinator waited a round-timeout"
        + " (5 ms) for the dead replica");
  }

  /**
   * A view coordinated by a member this replica has just suspected could only time out; the view
   * change goes straight to the next view instead, and takes a few message delays, not a
   * view-change timeout.
   */
  @Test
  void aSuspectedMembersTurnAsCoordinatorIsSkipped() {
    group.run(5 * MS);
    group.crash(1); // the coordinator of view 1
    ReplicaCore c = group.cores[0];
    int seq = 0;
    long deadline = group.now + 100 * MS;
    while (c.status() == ReplicaCore.Status.NORMAL && group.now < deadline) {
      group.submit(0, new Request(7, ++seq, new byte[] {1}));
      group.step();
    }
    long began = group.now;
    while (c.status() != ReplicaCore.Status.NORMAL && group.now < deadline) {
      group.step();
    }
    assertEquals(2, c.view(), "view 1's coordinator was the suspect: straight to view 2, coordinated by replica 2");
    assertEquals(0b101, c.activeSet());
    assertEquals(0, c.stats().viewChangeTimeouts());
    assertTrue(group.now - began < config().viewChangeTimeoutNanos(),
        "the view change took " + (group.now - began) / 1000 + " µs, not a view-change timeout");
    group.run(20 * MS);
    assertEquals(seq, group.counters[2].total, "every request executed");
  }

  @Test
  void theFailureDetectorStartsAViewChangeAtOnce() {
    group.run(5 * MS);
    group.crash(2);
    group.cores[0].markUnreachable(group.now, 2);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, group.cores[0].status());
    group.run(5 * MS);
    assertEquals(ReplicaCore.Status.NORMAL, group.cores[0].status());
    assertEquals(0b011, group.cores[0].activeSet());
  }

  @Test
  void aCoordinatorThatCannotDecideIsSkippedAfterTheViewChangeTimeout() {
    group.run(5 * MS);
    // Replica 1, the coordinator of view 1, is alive but gets no DoViewChange: view 1 can only
    // time out. The next view's coordinator, replica 2, is the one that died: skipped too.
    group.drop = m -> m.to() == 1 && m.message() instanceof dev.chora.runtime.message.DoViewChange;
    group.crash(2);
    load(0, 5);
    group.run(40 * MS);
    ReplicaCore c = group.cores[0];
    assertEquals(ReplicaCore.Status.NORMAL, c.status());
    assertEquals(3, c.view(), "view 1 timed out, view 2's coordinator is dead: view 3, coordinated by replica 0");
    assertEquals(0b011, c.activeSet());
    assertTrue(c.stats().viewChangeTimeouts() > 0);
    assertEquals(5, group.counters[1].total);
    // What an operator reads about the view change that gave up: who was heard from, who coordinated.
    String report = c.lastViewChangeTimeout();
    assertTrue(report.startsWith("view 1 (coordinator 1) timed out"), report);
    assertTrue(report.contains("StartViewChange from {0,1}"), report);
    assertTrue(report.contains("DoViewChange sent"), report);
  }

  @Test
  void aRestartedReplicaRecoversCatchesUpByStateTransferAndRejoins() {
    group.run(10 * MS);
    group.crash(2);
    load(0, 30);
    group.restart(2);
    group.run(5 * MS);
    for (PeerMessage m : group.sentBy.get(2)) {
      assertTrue(m instanceof Recovery || group.cores[2].status() != ReplicaCore.Status.RECOVERING,
          "a recovering replica sends nothing but recovery requests: " + m);
    }
    load(1, 10);
    group.run(100 * MS);
    long view = group.cores[0].view();
    for (int i = 0; i < 3; i++) {
      ReplicaCore c = group.cores[i];
      assertEquals(ReplicaCore.Status.NORMAL, c.status(), "replica " + i);
      assertEquals(view, c.view());
      assertEquals(0b111, c.activeSet(), "replica 2 rejoined the active set");
      assertEquals(40, group.counters[i].total, "replica " + i + " holds every executed request");
    }
    assertTrue(group.cores[2].stats().snapshotsInstalled() > 0, "replica 2 caught up from a snapshot");
  }

  /**
   * An idle group backs its rounds off to idle-round-interval; a member on its way back must not
   * wait rejoin-after-rounds of those: while it keeps pace, rounds run at the round timeout at most.
   */
  @Test
  void anIdleGroupLetsARestartedReplicaBackAfterRoundTimeoutsNotIdleIntervals() {
    long idle = 200 * MS;
    ChoraConfig slowIdle = ChoraConfig.builder(3)
        .roundTimeoutNanos(MS)
        .idleRoundIntervalNanos(idle)
        .suspectAfterRounds(3)
        .viewChangeTimeoutNanos(10 * MS)
        .maxRoundsInFlight(4)
        .snapshotEveryRounds(8)
        .logWindowRounds(64)
        .rejoinAfterRounds(16) // the default: the idle back-off would double through most of them
        .build();
    TestGroup g = new TestGroup(slowIdle);
    g.run(10 * MS);
    g.crash(2);
    for (int i = 0; i < 10; i++) {
      g.submit(0, new Request(100, i + 1, new byte[] {1}));
      g.run(MS);
    }
    g.run(2 * idle); // replica 2 is out; the group backs off to the idle interval
    assertEquals(0b011, g.cores[0].activeSet());
    long roundsIdle = g.cores[0].currentRound();
    g.run(idle);
    assertTrue(g.cores[0].currentRound() - roundsIdle <= 2, "idle: about one round per interval");
    g.restart(2);
    long restartedAt = g.now;
    while (g.cores[0].activeSet() != 0b111 && g.now - restartedAt < 5 * idle) {
      g.run(MS);
    }
    long tookNanos = g.now - restartedAt;
    assertEquals(0b111, g.cores[0].activeSet(), "replica 2 rejoined");
    assertTrue(tookNanos < idle, "rejoined in " + tookNanos / MS + " ms, less than one idle interval ("
        + idle / MS + " ms), not rejoin-after-rounds of them");
  }

  @Test
  void aRecoveringReplicaStaysSilentUntilItHearsFromAQuorum() {
    group.run(5 * MS);
    group.restart(2);
    group.drop = m -> m.to() == 2; // it hears nothing
    group.run(20 * MS);
    assertEquals(ReplicaCore.Status.RECOVERING, group.cores[2].status());
    assertTrue(group.sentBy.get(2).stream().allMatch(m -> m instanceof Recovery),
        "no acknowledgement, vote or proposal before recovery");
    group.drop = m -> false;
    group.run(100 * MS);
    assertEquals(ReplicaCore.Status.NORMAL, group.cores[2].status());
    assertEquals(0b111, group.cores[2].activeSet());
  }

  /**
   * Found by review: a coordinator too far behind to hold its own decision defers adopting it, so
   * its StartView must not count as its adoption. Here C decides view 2 while lagging, only A
   * receives the StartView, and A is then cut off; if A counted C as an adopter it would execute
   * the decided rounds, which B and C later decide differently without A.
   */
  @Test
  void aCoordinatorThatDefersItsOwnDecisionIsNotCountedAsHavingAdopted() {
    TestGroup g = new TestGroup(ChoraConfig.builder(3).roundTimeoutNanos(MS).idleRoundIntervalNanos(2 * MS)
        .suspectAfterRounds(3).viewChangeTimeoutNanos(10 * MS).maxRoundsInFlight(4).snapshotEveryRounds(8)
        .logWindowRounds(28).rejoinAfterRounds(1_000_000).build());
    g.run(5 * MS);
    g.drop = m -> m.from() == 2 || m.to() == 2; // C, the coordinator of view 2, is partitioned
    for (int i = 0; i < 60; i++) {
      g.submit(0, new Request(100, ++seq, new byte[] {1}));
      g.run(MS);
    }
    Predicate<InFlight> noCatchUp =
        m -> m.to() == 2 && m.message() instanceof dev.chora.runtime.message.StateTransfer;
    g.drop = noCatchUp; // C is back but cannot catch up
    int guard = 0;
    while (!(g.cores[2].view() == 1 && g.cores[2].consecutiveViolations(0) >= 2) && guard++ < 1000) {
      g.submit(0, new Request(100, ++seq, new byte[] {1}));
      g.step();
    }
    g.drop = noCatchUp.or(m -> m.from() == 0 && m.to() == 1 && m.message() instanceof dev.chora.runtime.message.RoundMessage);
    while (g.cores[2].view() < 2 && guard++ < 2000) {
      g.submit(0, new Request(100, ++seq, new byte[] {1}));
      g.step();
    }
    g.drop = noCatchUp.or(m -> m.from() == 0 && m.to() == 1)
        .or(m -> m.to() == 1 && m.message() instanceof dev.chora.runtime.message.StartView);
    for (int i = 0; i < 30; i++) {
      g.step();
    }
    g.drop = noCatchUp.or(m -> m.to() == 0 || m.from() == 0); // A is cut off: views 3 and 4 without it
    g.run(40 * MS);
    g.drop = m -> false;
    g.run(100 * MS);
    assertEquals(java.util.List.of(), g.violations);
  }

  /**
   * Found by review: a restarted replica must not vote until it has executed everything up to the
   * StartView's executedThrough, or with a second crash it becomes a voter that cannot vouch for
   * committed rounds nobody else in the quorum holds.
   */
  @Test
  void aRestartedReplicaDoesNotVoteBeforeItHoldsTheCommittedRounds() {
    TestGroup g = new TestGroup(ChoraConfig.builder(3).roundTimeoutNanos(MS).idleRoundIntervalNanos(2 * MS)
        .suspectAfterRounds(3).viewChangeTimeoutNanos(10 * MS).maxRoundsInFlight(4).snapshotEveryRounds(8)
        .logWindowRounds(4096).rejoinAfterRounds(5).build());
    g.run(5 * MS);
    g.drop = m -> m.from() == 2 || m.to() == 2; // C is partitioned while A and B commit
    for (int i = 0; i < 20; i++) {
      g.submit(0, new Request(100, ++seq, new byte[] {1}));
      g.run(MS);
    }
    g.run(5 * MS);
    g.drop = m -> m.message() instanceof dev.chora.runtime.message.StateTransfer; // C cannot catch up
    g.run(30 * MS);
    g.crash(0);
    g.run(2 * MS);
    g.restart(0); // A restarts with its state lost
    for (int i = 0; i < 2000 && g.cores[0].status() == ReplicaCore.Status.RECOVERING; i++) {
      g.step(); // B and C move to a view after A's fence; A hears of it but cannot fetch state
    }
    assertEquals(ReplicaCore.Status.RECOVERING, g.cores[0].status(),
        "without state transfer A cannot hold the committed rounds, so it must not vote yet");
    g.crash(1); // then B crashes: still one faulty replica, since A has not recovered
    g.run(60 * MS);
    g.drop = m -> false;
    g.run(100 * MS);
    assertEquals(java.util.List.of(), g.violations);
  }
}
