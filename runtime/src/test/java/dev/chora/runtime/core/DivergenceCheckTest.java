package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.RoundMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Divergence detection ({@link DivergenceCheck}) step by step on replica 0 of three, snapshots
 * every 4 rounds, so checkpoints at rounds 4, 8, ...: its own digest comes in with its snapshot,
 * rides on what it sends, and is compared with what peers' messages carry.
 */
class DivergenceCheckTest extends CoreFixture {
  static final long MINE = 0x1111L;
  static final long OTHER = 0x2222L;
  static final long THIRD = 0x3333L;

  long seq;

  /**
   * Runs with peers in step, a request in each of its rounds (so that each snapshot round asks for
   * a snapshot), until the snapshot of {@code checkpoint} is asked, then gives it with {@code digest}.
   */
  long reachCheckpoint(long checkpoint, long digest, long t) {
    while (!out.snapshotsAsked.contains(checkpoint)) {
      core.submit(t, req(5, ++seq));
      t = runWithPeersInStep(core.currentRound() + 1, t);
    }
    out.snapshotsAsked.clear();
    core.snapshotTaken(checkpoint, new byte[] {1}, digest);
    return t;
  }

  void peerReports(int peer, long checkpoint, long digest, long t) {
    long r = core.currentRound();
    core.receive(t, ack(r).from(peer).acks(r - 1, r - 1, r - 1).checkpoint(checkpoint, digest).build());
  }

  void bothPeersReport(long checkpoint, long digest, long t) {
    peerReports(1, checkpoint, digest, t);
    peerReports(2, checkpoint, digest, t);
  }

  void assertNoReport() {
    assertEquals(List.of(), out.divergences);
    assertNull(core.divergence());
  }

  @Test
  void theLatestCheckpointDigestRidesOnEveryRoundAndAckMessage() {
    long t = reachCheckpoint(4, MINE, 0);
    out.clear();
    t = runWithPeersInStep(core.currentRound() + 2, t);
    List<RoundMessage> sent = out.sentOf(RoundMessage.class);
    assertTrue(!sent.isEmpty());
    for (RoundMessage m : sent) {
      assertEquals(4, m.checkRound());
      assertEquals(MINE, m.checkDigest());
    }
    t = reachCheckpoint(8, OTHER, t);
    out.clear();
    runWithPeersInStep(core.currentRound() + 1, t);
    assertEquals(8, out.lastRoundMessage().checkRound(), "the latest checkpoint replaces the earlier one");
    assertEquals(OTHER, out.lastRoundMessage().checkDigest());
  }

  @Test
  void withNothingAppliedSinceTheLastSnapshotTheCheckpointKeepsItsDigest() {
    long t = reachCheckpoint(4, MINE, 0);
    // The last requests are applied after round 4: round 8's snapshot is asked for.
    while (!out.snapshotsAsked.contains(8L)) {
      t = runWithPeersInStep(core.currentRound() + 1, t);
    }
    out.snapshotsAsked.clear();
    core.snapshotTaken(8, new byte[] {2}, THIRD);
    while (core.executedRound() < 12) {
      t = runWithPeersInStep(core.currentRound() + 1, t);
    }
    assertEquals(List.of(), out.snapshotsAsked, "empty rounds: the same state, no new snapshot");
    out.clear();
    runWithPeersInStep(core.currentRound() + 1, t);
    assertEquals(12, out.lastRoundMessage().checkRound());
    assertEquals(THIRD, out.lastRoundMessage().checkDigest());
    bothPeersReport(12, OTHER, t);
    assertNotNull(core.divergence(), "and is compared");
  }

  @Test
  void beforeItsFirstCheckpointAReplicaSendsNone() {
    runWithPeersInStep(3, 0);
    assertEquals(-1, out.lastRoundMessage().checkRound());
  }

  @Test
  void equalDigestsAreNoNews() {
    long t = reachCheckpoint(4, MINE, 0);
    bothPeersReport(4, MINE, t);
    assertNoReport();
  }

  @Test
  void aQuorumOfOthersAgreeingOnAnotherDigestStopsThisReplicaForGood() {
    long t = reachCheckpoint(4, MINE, 0);
    peerReports(1, 4, OTHER, t);
    assertEquals(List.of(), out.divergences, "one peer against one: no quorum yet, no report yet");
    peerReports(2, 4, OTHER, t);

    assertEquals(1, out.divergences.size());
    DivergenceReport d = out.divergences.get(0);
    assertEquals(DivergenceReport.Verdict.DIVERGED, d.verdict());
    assertEquals(4, d.round());
    assertEquals(MINE, d.ownDigest());
    assertEquals(List.of(1, 2), d.differing());
    assertTrue(d.describe().contains("round 4") && d.describe().contains("0000000000001111")
        && d.describe().contains("0000000000002222") && d.describe().contains("non-deterministic")
        && d.describe().contains("restore"), d.describe());
    assertEquals(d, core.divergence());

    // Terminal: no input has any effect, not even a read or a tick, and no tick is asked for.
    out.clear();
    long r = core.currentRound();
    core.submit(t, req(9, 1));
    core.read(t, new ReadRequest(9, 2, new byte[0]));
    core.receive(t, round(r).from(1).acks(r, r, r).build());
    core.receive(t, round(r).from(2).acks(r, r, r).build());
    core.tick(t + 1000 * MS);
    core.snapshotTaken(8, new byte[] {2}, MINE);
    assertEquals(List.of(), out.sent);
    assertEquals(List.of(), out.executed);
    assertEquals(List.of(), out.reads);
    assertEquals(List.of(), out.replies);
    assertEquals(Long.MAX_VALUE, core.nextDeadlineNanos());
    assertEquals(1, out.divergences.size());
  }

  @Test
  void peersDigestsThatArriveFirstAreComparedWhenItsOwnComes() {
    long t = runWithPeersInStep(2, 0);
    bothPeersReport(4, OTHER, t);
    assertEquals(List.of(), out.divergences);
    reachCheckpoint(4, MINE, t);
    assertEquals(DivergenceReport.Verdict.DIVERGED, core.divergence().verdict());
  }

  @Test
  void aPeerThatDiffersFromThisReplicaAndAQuorumIsReportedOnceAndThisReplicaGoesOn() {
    long t = reachCheckpoint(4, MINE, 0);
    peerReports(2, 4, OTHER, t);
    peerReports(1, 4, MINE, t);
    peerReports(2, 4, OTHER, t); // repeated on its every message until its next checkpoint
    assertEquals(1, out.divergences.size());
    DivergenceReport d = out.divergences.get(0);
    assertEquals(DivergenceReport.Verdict.PEERS_DIVERGED, d.verdict());
    assertEquals(List.of(2), d.differing());
    assertNull(core.divergence());
    long before = core.currentRound();
    runWithPeersInStep(before + 3, t);
    assertEquals(before + 3, core.currentRound(), "it goes on");
  }

  @Test
  void withoutAQuorumForAnyDigestTheRoundIsReportedUnresolvedOnceAllAreIn() {
    long t = reachCheckpoint(4, MINE, 0);
    peerReports(1, 4, OTHER, t);
    assertEquals(List.of(), out.divergences);
    peerReports(2, 4, THIRD, t);
    assertEquals(1, out.divergences.size());
    assertEquals(DivergenceReport.Verdict.UNRESOLVED, out.divergences.get(0).verdict());
    assertNull(core.divergence(), "none can tell which state is right: it goes on");
  }

  @Test
  void aMismatchStillUndecidedAtTheNextCheckpointIsReportedUnresolved() {
    long t = reachCheckpoint(4, MINE, 0);
    peerReports(1, 4, OTHER, t); // replica 2 never reports round 4 (down, or it caught up by transfer)
    assertEquals(List.of(), out.divergences);
    reachCheckpoint(8, MINE, t);
    assertEquals(1, out.divergences.size());
    DivergenceReport d = out.divergences.get(0);
    assertEquals(DivergenceReport.Verdict.UNRESOLVED, d.verdict());
    assertEquals(4, d.round());
    assertEquals(0b011, d.known());
    assertTrue(d.describe().contains("no quorum"), d.describe());
    assertNull(core.divergence());
  }

  @Test
  void reportsOfRoundsThatAreNotCheckpointsOrLongGoneAreIgnored() {
    long t = reachCheckpoint(4, MINE, 0);
    bothPeersReport(5, OTHER, t);
    bothPeersReport(0, OTHER, t);
    // Checkpoint 4's row is taken over by one WINDOW checkpoints later: round 4 is no longer compared.
    long later = 4 + 4L * DivergenceCheck.WINDOW;
    peerReports(1, later, OTHER, t);
    bothPeersReport(4, OTHER, t);
    assertNoReport();
  }

  @Test
  void anAckMessageCarriesTheCheckpointToo() {
    long t = reachCheckpoint(4, MINE, 0);
    long r = core.currentRound();
    core.receive(t, ack(r).from(1).acks(r - 1, r - 1, r - 1).checkpoint(4, OTHER).build());
    core.receive(t, round(r).from(2).acks(r - 1, r - 1, r - 1).checkpoint(4, OTHER).build());
    assertNotNull(core.divergence());
  }

  @Test
  void withDetectionOffNothingIsSentOrCompared() {
    core = new ReplicaCore(config().divergenceCheckEverySnapshots(0).build(), 0, out);
    long t = reachCheckpoint(4, MINE, 0);
    bothPeersReport(4, OTHER, t);
    assertNull(core.divergence());
    assertEquals(List.of(), out.divergences);
    runWithPeersInStep(core.currentRound() + 1, t);
    assertEquals(-1, out.lastRoundMessage().checkRound());
  }

  @Test
  void everySecondSnapshotRoundIsACheckpointWhenSoSet() {
    core = new ReplicaCore(config().divergenceCheckEverySnapshots(2).build(), 0, out);
    long t = reachCheckpoint(4, MINE, 0);
    bothPeersReport(4, OTHER, t);
    assertNull(core.divergence(), "round 4 is not a checkpoint every 8 rounds");
    t = reachCheckpoint(8, MINE, t);
    bothPeersReport(8, OTHER, t);
    assertNotNull(core.divergence());
  }
}
