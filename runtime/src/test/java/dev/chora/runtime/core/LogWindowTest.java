package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.startView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The log window: executed rounds truncated once a snapshot covers them, snapshots every
 * snapshot-every-rounds or snapshot-every-bytes, and max-log-bytes bounding the log.
 */
class LogWindowTest extends CoreFixture {

  @Test
  void executedRoundsAreTruncatedOnceASnapshotCoversThem() {
    core.tick(0);
    long t = runWithPeersInStep(7, 0);
    core.receive(t, ack(7).from(1).acks(6, 7, 6).build());
    core.receive(t, ack(7).from(2).acks(6, 6, 7).build());
    assertEquals(6, core.executedRound());
    assertEquals(7, core.currentRound());
    assertEquals(List.of(4L), out.snapshotsAsked, "a snapshot every 4 rounds");
    assertEquals(19, core.retainedSlots(), "nothing is truncated before the snapshot exists");
    core.snapshotTaken(4, new byte[] {1});
    assertEquals(7, core.retainedSlots(), "rounds 5 and 6 in full and this replica's round-7 slot are left");
  }

  @Test
  void aSnapshotIsAlsoTakenOnceTheExecutedBatchesHoldSnapshotEveryBytes() {
    core = new ReplicaCore(config().snapshotEveryRounds(16).logWindowRounds(40).snapshotEveryBytes(200).build(), 0, out);
    core.tick(0);
    long t = 0;
    long seq = 0;
    while (core.executedRound() < 12) {
      long r = core.currentRound();
      // Replica 1 proposes one 50-byte request a round: 200 bytes every four rounds.
      core.receive(t, round(r).from(1).batch(batch(req(1, ++seq))).acks(r - 1, r, r - 1).build());
      core.receive(t, round(r).from(2).acks(r - 1, r - 1, r).build());
      if (core.currentRound() == r) {
        t = Math.max(t, core.nextDeadlineNanos());
        core.tick(t);
      }
    }
    assertEquals(List.of(4L, 8L, 12L), out.snapshotsAsked.subList(0, 3),
        "every 200 bytes, long before every 16 rounds");
    core.snapshotTaken(8, new byte[] {1});
    assertTrue(core.retainedSlots() < 3 * (core.currentRound() - 4), "the log below round 8 is truncated");
  }

  /**
   * max-log-bytes bounds the log's memory when snapshots fall behind, however long the window:
   * at the bound this replica proposes no new round, and once a snapshot lets it truncate the
   * log it goes on.
   */
  @Test
  void roundsStopAtMaxLogBytesUntilASnapshotTruncatesTheLog() {
    core = new ReplicaCore(config().snapshotEveryRounds(16).logWindowRounds(40).snapshotEveryBytes(200)
        .maxLogBytes(400).build(), 0, out);
    core.tick(0);
    long t = 0;
    long seq = 0;
    long highest = 0;
    for (int step = 0; step < 200; step++) {
      long r = core.currentRound();
      highest = Math.max(highest, r);
      // Replica 1 proposes one 50-byte request a round; no snapshot asked for is ever taken.
      core.receive(t, round(r).from(1).batch(batch(req(1, ++seq))).acks(r - 1, r, r - 1).build());
      core.receive(t, round(r).from(2).acks(r - 1, r - 1, r).build());
      if (core.currentRound() == r) {
        t = Math.max(t + 1, core.nextDeadlineNanos());
        core.tick(t);
      }
    }
    assertTrue(highest < 16, "rounds stopped at the bound, well inside the window: round " + highest);
    assertTrue(core.retainedBytes() >= 400 && core.retainedBytes() <= 450,
        "the log holds the bound and at most one more slot: " + core.retainedBytes());
    assertEquals(List.of(4L), out.snapshotsAsked, "a snapshot was asked for at 200 bytes, and not yet taken");
    core.snapshotTaken(4, new byte[] {1});
    assertTrue(core.retainedBytes() < 400, "truncated through round 4: " + core.retainedBytes());
    t += 100 * MS;
    core.tick(t);
    assertEquals(highest + 1, core.currentRound(), "the next round goes ahead");
  }

  /**
   * A replica outside the active set does not slow the group, so nothing else bounds what its
   * peers send it: at max-log-bytes it stores no more of their slots (dropped as beyond its
   * window, to be fetched once it has caught up).
   */
  @Test
  void aReplicaOutsideTheActiveSetStoresNoMoreSlotsAtMaxLogBytes() {
    core = new ReplicaCore(config().snapshotEveryRounds(16).logWindowRounds(40).snapshotEveryBytes(200)
        .maxLogBytes(400).build(), 2, out);
    core.tick(0);
    // View 1: this replica outside
    core.receive(MS, startView(1).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    assertEquals(0b011, core.activeSet());
    out.clear();
    long seq = 0;
    for (long r = 1; r <= 20; r++) {
      core.receive(2 * MS, round(r).inView(1).from(0).batch(batch(req(1, ++seq))).acks(r, r - 1, 0).build());
      core.receive(2 * MS, round(r).inView(1).from(1).batch(batch(req(2, ++seq))).acks(r - 1, r, 0).build());
      assertTrue(core.retainedBytes() <= 450, "round " + r + ": the log holds " + core.retainedBytes());
    }
    assertTrue(out.drops.contains(DropReason.OUT_OF_WINDOW), "slots past the bound were dropped: " + out.drops);
    assertTrue(core.retainedBytes() >= 400, "up to the bound: " + core.retainedBytes());
  }
}
