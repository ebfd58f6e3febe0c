package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.doViewChange;
import static dev.chora.runtime.core.Messages.startView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DoViewChange and StartView messages too large for one frame travel in parts of at most
 * max-transfer-bytes and are acted on only once whole.
 */
class ViewChangePartsTest {
  static final long MS = 1_000_000;

  static RoundSlots round(long r, int bytes) {
    Batch b = Batch.of(List.of(new Request(1, r, new byte[bytes])));
    return new RoundSlots(r, 0b111, 3, new Batch[] {b, Batch.EMPTY, null});
  }

  static List<RoundSlots> rounds(int count, int bytes) {
    List<RoundSlots> list = new ArrayList<>();
    for (int r = 1; r <= count; r++) {
      list.add(round(r, bytes));
    }
    return list;
  }

  @Test
  void cutKeepsOrderAndEachRunWithinTheBudget() {
    List<RoundSlots> all = rounds(10, 100); // 24 + (116 + 8) + 8 + 1 = 157 bytes each
    List<List<RoundSlots>> runs = ViewChangeParts.cut(all, 400);
    assertEquals(5, runs.size(), "two rounds (314 bytes) per 400-byte run");
    List<RoundSlots> joined = new ArrayList<>();
    for (List<RoundSlots> run : runs) {
      assertTrue(PeerMessage.roundsBytes(run) <= 400);
      joined.addAll(run);
    }
    assertEquals(all, joined);
    assertEquals(List.of(List.of()), ViewChangeParts.cut(List.of(), 400), "no rounds: one empty part");
    assertEquals(10, ViewChangeParts.cut(all, 10).size(), "a round larger than the budget still goes, alone");
  }

  @Test
  void aDoViewChangeSplitsAndJoinsBackToTheSameMessage() {
    DoViewChange whole = doViewChange(7).from(2).lastNormalView(5).rounds(rounds(10, 100)).build();
    List<DoViewChange> parts = ViewChangeParts.split(whole, 400);
    assertEquals(5, parts.size());
    ViewChangeParts.Gathering<DoViewChange> gathering = new ViewChangeParts.Gathering<>(DoViewChange::sameWholeAs);
    // Out of order and with a duplicate, as a network may deliver them.
    int[] order = {3, 0, 3, 4, 1};
    for (int i : order) {
      DoViewChange p = parts.get(i);
      assertEquals(i, p.part());
      assertEquals(5, p.parts());
      assertNull(gathering.add(p, p.part(), p.parts()), "part " + i + " alone is not the message");
    }
    List<DoViewChange> all = gathering.add(parts.get(2), 2, 5);
    assertEquals(whole, ViewChangeParts.joinDoViewChange(all));
    assertNull(gathering.header(), "a completed message is let go");
    assertEquals(List.of(whole), ViewChangeParts.split(whole, 1 << 20), "a message that fits goes whole");
  }

  @Test
  void aPartOfAnotherMessageReplacesWhatWasGathered() {
    List<StartView> older = ViewChangeParts.split(startView(4).from(1).activeSet(0b111).firstRound(11)
        .executedThrough(0, 1).decided(rounds(10, 100)).build(), 400);
    StartView newerWhole = startView(7).from(1).activeSet(0b011).firstRound(11).executedThrough(0, 1)
        .decided(rounds(10, 100)).build();
    List<StartView> newer = ViewChangeParts.split(newerWhole, 400);
    ViewChangeParts.Gathering<StartView> gathering = new ViewChangeParts.Gathering<>(StartView::sameWholeAs);
    for (int i = 0; i < 4; i++) {
      assertNull(gathering.add(older.get(i), i, 5));
    }
    List<StartView> all = null;
    for (int i = 0; i < 5; i++) {
      assertNull(all, "the older message's parts do not complete the newer one");
      all = gathering.add(newer.get(i), i, 5);
    }
    assertEquals(newerWhole, ViewChangeParts.joinStartView(all));
  }

  // ------------------------------------------------------------ in a group

  /** Five replicas whose transfers hold one whole round of full batches, and little more. */
  static ChoraConfig smallTransfers() {
    return ChoraConfig.builder(5)
        .roundTimeoutNanos(MS)
        .idleRoundIntervalNanos(2 * MS)
        .maxRequestBytes(100)
        .maxBatchBytes(100)
        .maxTransferBytes((int) RoundSlots.maxSizeBytes(5, 100))
        .maxRoundsInFlight(8)
        .suspectAfterRounds(3)
        .viewChangeTimeoutNanos(10 * MS)
        .snapshotEveryRounds(16)
        .logWindowRounds(64)
        .rejoinAfterRounds(5)
        .build();
  }

  final TestGroup group = new TestGroup(smallTransfers());
  final long[] submitted = new long[5];
  int seq;

  /** Every replica gets a full batch's worth of requests each step. */
  void load(long nanos) {
    long end = group.now + nanos;
    while (group.now < end) {
      for (int r = 0; r < group.n; r++) {
        if (!group.down[r]) {
          byte[] command = new byte[84]; // with the request's 16-byte header, a full 100-byte batch
          command[0] = 1; // the counter adds it: its total counts the requests executed
          group.submit(r, new Request(100 + r, ++seq, command));
          submitted[r]++;
        }
      }
      group.step();
    }
  }

  long executed(int replica) {
    return group.counters[replica].total;
  }

  void assertEveryMessageWithinTheTransferLimit() {
    for (int i = 0; i < group.n; i++) {
      for (PeerMessage m : group.sentBy.get(i)) {
        assertTrue(m.payloadBytes() <= group.config.maxTransferBytes(),
            "replica " + i + " sent " + m.getClass().getSimpleName() + " carrying " + m.payloadBytes() + " bytes");
      }
    }
  }

  static int maxParts(List<PeerMessage> sent) {
    int parts = 1;
    for (PeerMessage m : sent) {
      if (m instanceof DoViewChange d) {
        parts = Math.max(parts, d.parts());
      } else if (m instanceof StartView s) {
        parts = Math.max(parts, s.parts());
      }
    }
    return parts;
  }

  @Test
  void aViewChangeUnderFullLoadGoesInPartsAndCompletes() {
    load(5 * MS);
    // The coordinator of view 1 is replica 1; the crashed member leaves its peers holding every
    // round it no longer completes, each with four full slots.
    group.crash(4);
    load(20 * MS);
    group.run(20 * MS);
    assertTrue(group.violations.isEmpty(), group.violations.toString());
    assertEveryMessageWithinTheTransferLimit();
    int dvcParts = 0;
    for (int i = 0; i < 4; i++) {
      for (PeerMessage m : group.sentBy.get(i)) {
        if (m instanceof DoViewChange d) {
          dvcParts = Math.max(dvcParts, d.parts());
        }
      }
    }
    assertTrue(dvcParts > 1, "a DoViewChange held more than one transfer's worth of rounds and went in parts");
    long total = executed(0);
    for (int i = 0; i < 4; i++) {
      ReplicaCore c = group.cores[i];
      assertEquals(ReplicaCore.Status.NORMAL, c.status(), "replica " + i);
      assertEquals(0b01111, c.activeSet(), "replica 4 is out");
      assertEquals(total, executed(i), "every live replica executed the same requests");
    }
    long toLive = submitted[0] + submitted[1] + submitted[2] + submitted[3];
    assertTrue(total >= toLive, "every request submitted to a live replica was executed: " + total + " of " + toLive);
  }

  @Test
  void aReplicaMissingAPartOfTheStartViewAdoptsOnlyOnceItHasThemAll() {
    load(5 * MS);
    // Replica 3 loses the first part of every StartView the coordinator broadcasts, until lifted.
    boolean[] lose = {true};
    group.drop = m -> lose[0] && m.to() == 3 && m.message() instanceof StartView s && s.parts() > 1 && s.part() == 0;
    group.crash(4);
    ReplicaCore zero = group.cores[0];
    ReplicaCore three = group.cores[3];
    long deadline = group.now + 30 * MS;
    while (group.now < deadline && (zero.status() != ReplicaCore.Status.NORMAL || zero.view() == 0)) {
      load(TestGroup.STEP);
    }
    assertEquals(ReplicaCore.Status.NORMAL, zero.status(), "the others completed the view change");
    assertEquals(1, zero.view(), "view 1, coordinated by replica 1");
    assertTrue(maxParts(group.sentBy.get(1)) > 1, "the StartView went in parts");
    load(3 * MS);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, three.status(),
        "replica 3 never held a whole StartView of view 1, so it has not adopted it");
    lose[0] = false;
    load(20 * MS);
    group.run(20 * MS);
    assertTrue(group.violations.isEmpty(), group.violations.toString());
    assertEquals(ReplicaCore.Status.NORMAL, three.status());
    assertEquals(group.cores[0].view(), three.view(), "with every part, replica 3 adopted the view");
    assertEquals(executed(0), executed(3));
  }
}
