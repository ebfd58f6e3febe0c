package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.doViewChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator's decision rule (DESIGN §6 step 3), one case per test. */
class ViewDecisionTest {
  static final Batch A = Batch.of(List.of(new Request(1, 1, new byte[] {1})));
  static final Batch B = Batch.of(List.of(new Request(2, 1, new byte[] {2})));
  static final Batch C = Batch.of(List.of(new Request(3, 1, new byte[] {3})));

  static RoundSlots round(long r, long tag, Batch... slots) {
    int proposers = 0;
    Batch[] all = new Batch[3];
    for (int j = 0; j < slots.length; j++) {
      proposers |= 1 << j;
      all[j] = slots[j];
    }
    return new RoundSlots(r, proposers, tag, all);
  }

  static DoViewChange dvc(int from, long executed, RoundSlots... rounds) {
    return doViewChange(4).from(from).lastNormalView(3).executed(executed).rounds(List.of(rounds)).build();
  }

  static StartView decide(CoreMutation mutation, DoViewChange... used) {
    return ViewDecision.decide(4, 1, 3, List.of(used), mutation);
  }

  @Test
  void roundsUpToTheHighestExecutedNeedNoDecision() {
    StartView sv = decide(CoreMutation.NONE, dvc(0, 10, round(11, 3, A, B, C)), dvc(1, 12));
    assertEquals(12, sv.executedThrough());
    assertEquals(1, sv.executedAt(), "replica 1 executed furthest: the source of rounds up to 12");
    assertEquals(List.of(), sv.decided());
    assertEquals(13, sv.firstRound());
    assertEquals(0b011, sv.activeSet(), "the senders used");
  }

  @Test
  void slotsOfEquallyTaggedCopiesAreMergedAndMissingOnesBecomeNoOps() {
    StartView sv = decide(CoreMutation.NONE,
        dvc(0, 10, round(11, 3, A, null, null)),
        dvc(1, 10, round(11, 3, null, B, null), round(12, 3, null, C, null)));
    assertEquals(2, sv.decided().size());
    RoundSlots r11 = sv.decided().get(0);
    assertSame(A, r11.slots()[0]);
    assertSame(B, r11.slots()[1]);
    assertSame(Batch.EMPTY, r11.slots()[2], "nobody in the quorum held (11,2): it cannot have committed");
    assertSame(C, sv.decided().get(1).slots()[1]);
    assertEquals(13, sv.firstRound());
    assertEquals(4, r11.tag(), "decided content carries the new view's tag");
  }

  @Test
  void contentWithAHigherViewTagWins() {
    // Round 11 was replaced by view 3's StartView (all no-ops); a replica left behind in view 2 still
    // holds the old proposal. The newer content is the one that may have committed.
    StartView sv = decide(CoreMutation.NONE,
        dvc(0, 10, round(11, 2, A, B, C)),
        dvc(1, 10, round(11, 3, Batch.EMPTY, Batch.EMPTY, Batch.EMPTY)));
    assertSame(Batch.EMPTY, sv.decided().get(0).slots()[0]);
    assertSame(Batch.EMPTY, sv.decided().get(0).slots()[1]);
  }

  @Test
  void aRoundNobodyHoldsBecomesNoOpsUnderItsNeighboursProposers() {
    StartView sv = decide(CoreMutation.NONE, dvc(0, 10, round(11, 3, A, B, C), round(13, 3, A, null, null)), dvc(1, 10));
    assertEquals(3, sv.decided().size());
    RoundSlots r12 = sv.decided().get(1);
    assertEquals(12, r12.round());
    assertEquals(0b111, r12.proposers());
    for (Batch b : r12.slots()) {
      assertSame(Batch.EMPTY, b);
    }
  }

  @Test
  void theMutationsChangeTheDecision() {
    DoViewChange older = dvc(0, 10, round(11, 2, A, B, C));
    DoViewChange newer = dvc(1, 10, round(11, 3, C, C, C));
    StartView right = decide(CoreMutation.NONE, older, newer);
    assertNotEquals(right.decided().get(0).slots()[0],
        decide(CoreMutation.COORDINATOR_PREFERS_LOWER_VIEW, older, newer).decided().get(0).slots()[0]);
    assertSame(Batch.EMPTY, decide(CoreMutation.NOOP_PRESENT_SLOTS, older, newer).decided().get(0).slots()[0]);
  }
}
