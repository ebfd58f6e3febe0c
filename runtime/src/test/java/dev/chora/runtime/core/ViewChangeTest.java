package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.slotRequest;
import static dev.chora.runtime.core.Messages.startView;
import static dev.chora.runtime.core.Messages.startViewChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.runtime.message.StateTransfer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * View changes: timeouts that back off, views of silent coordinators and of members outside the
 * active set skipped, whom a replica follows into a view change, falling back to an earlier view,
 * and adopting a view only once its first proposal fits the window.
 */
class ViewChangeTest extends CoreFixture {

  @Test
  void viewChangesThatTimeOutInARowBackOffUpToSixteenTimesTheTimeout() {
    ChoraConfig c = config().viewChangeTimeoutNanos(10 * MS).build();
    core = new ReplicaCore(c, 0, out);
    core.tick(0);
    core.markUnreachable(0, 2); // alone: no view change can complete
    assertEquals(1, core.view());
    List<Long> gaps = new ArrayList<>();
    long started = 0;
    for (int i = 0; i < 7; i++) {
      long deadline = core.nextDeadlineNanos();
      long v = core.view();
      core.tick(deadline - 1);
      assertEquals(v, core.view(), "not before its (backed-off) timeout");
      core.tick(deadline);
      // The next view at the timeout, skipping those the unreachable replica 2 would coordinate.
      assertEquals((v + 1) % 3 == 2 ? v + 2 : v + 1, core.view(), "the next view at the timeout");
      gaps.add((deadline - started) / MS);
      started = deadline;
    }
    assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 160L, 160L), gaps);
  }

  /**
   * A replica that died during a view change is never suspected by the rounds; once it has been
   * silent for suspect-after-max, views it would coordinate are skipped all the same.
   */
  @Test
  void viewsOfCoordinatorsSilentForSuspectAfterMaxAreSkipped() {
    ChoraConfig c = config().viewChangeTimeoutNanos(10 * MS).suspectAfterMaxNanos(30 * MS).build();
    core = new ReplicaCore(c, 0, out);
    core.tick(0);
    core.receive(MS, round(1).from(1).acks(0, 0, 0).build());
    core.receive(MS, round(1).from(2).acks(0, 0, 0).build()); // both peers heard from, then never again
    core.markUnreachable(2 * MS, 2);
    assertEquals(1, core.view(), "replica 1 was heard 1 ms ago: its view is tried");
    List<Long> views = new ArrayList<>();
    while (core.view() < 12) {
      core.tick(core.nextDeadlineNanos());
      views.add(core.view());
    }
    // 1 times out at 12 ms (2 unreachable: its view 2 skipped) -> 3; 3 times out at 32 ms, when
    // replica 1 has been silent 31 ms -> 4 and 5 skipped -> 6, and so on, each its own.
    assertEquals(List.of(3L, 6L, 9L, 12L), views);
  }

  /**
   * A member outside the active set — often a restarted JVM still warming up — is the slowest
   * coordinator; its views timed out again and again in the fault tests. New views skip its turn.
   */
  @Test
  void viewsOfMembersOutsideTheActiveSetAreSkipped() {
    core.tick(0);
    // View 1: replica 2 outside
    core.receive(MS, startView(1).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    assertEquals(ReplicaCore.Status.NORMAL, core.status());
    assertEquals(0b011, core.activeSet());
    core.markUnreachable(2 * MS, 1);
    assertEquals(3, core.view(), "view 2 would be replica 2's: straight to view 3, this replica's own");
  }

  /**
   * A replica outside the active set whose inbound lags suspects everyone and asks for ever later
   * views. A healthy member answers with its view's StartView instead of joining (at most once per
   * view-change timeout), unless the sender has promised a later view (its bound view), from which
   * it could not come back.
   */
  @Test
  void aViewChangeAskedByAReplicaOutsideTheActiveSetIsAnsweredWithTheView() {
    ChoraConfig c = config().viewChangeTimeoutNanos(10 * MS).build();
    core = new ReplicaCore(c, 0, out);
    core.tick(0);
    // View 1: replica 2 outside
    core.receive(MS, startView(1).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    assertEquals(ReplicaCore.Status.NORMAL, core.status());
    out.sent.clear();
    core.receive(2 * MS, startViewChange(5).from(2).boundView(0).build());
    assertEquals(ReplicaCore.Status.NORMAL, core.status(), "the group keeps its view");
    assertEquals(1, core.view());
    List<PeerMessage> toTwo = startViewsTo(2);
    assertEquals(1, toTwo.size(), "one answer: " + toTwo);
    assertEquals(1, ((StartView) toTwo.get(0)).view());
    core.receive(3 * MS, startViewChange(6).from(2).boundView(0).build());
    assertEquals(1, startViewsTo(2).size(), "not again within view-change-timeout");
    assertEquals(1, core.view());
    core.receive(13 * MS, startViewChange(7).from(2).boundView(0).build());
    assertEquals(2, startViewsTo(2).size(), "answered again after view-change-timeout");
    assertEquals(2, core.stats().outsiderViewChangesAnswered());
    assertEquals(1, core.view());
  }

  private List<PeerMessage> startViewsTo(int to) {
    return out.sent.stream().filter(x -> x.to() == to && x.message() instanceof StartView)
        .map(Recorder.Sent::message).toList();
  }

  @Test
  void aReplicaBoundToALaterViewIsFollowedEvenFromOutsideTheActiveSet() {
    core.tick(0);
    core.receive(MS, startView(1).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    core.receive(2 * MS, startViewChange(5).from(2).boundView(5).build()); // it sent a DoViewChange for view 5
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status());
    assertEquals(5, core.view());
  }

  @Test
  void aMemberOfTheActiveSetIsAlwaysFollowed() {
    core.tick(0);
    core.receive(MS, startViewChange(4).from(1).boundView(0).build());
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status());
    assertEquals(4, core.view());
  }

  /**
   * The lagging replica's side: changing to a view it has promised nothing in, it adopts the
   * StartView of an earlier view it was never normal in, as a replica that missed its own
   * StartViewChange would. Once it has sent a DoViewChange it cannot.
   */
  @Test
  void aReplicaThatPromisedNothingFallsBackToAnEarlierView() {
    ChoraConfig c = config().viewChangeTimeoutNanos(10 * MS).build();
    core = new ReplicaCore(c, 2, out);
    core.tick(0);
    core.markUnreachable(MS, 0);
    while (core.view() < 4) {
      core.tick(core.nextDeadlineNanos());
    }
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status());
    long t = core.nextDeadlineNanos() - 1;
    core.receive(t, startView(3).from(0).activeSet(0b011).firstRound(1).executedThrough(0, 0).build());
    assertEquals(ReplicaCore.Status.NORMAL, core.status());
    assertEquals(3, core.view());
    assertEquals(0b011, core.activeSet());
    assertEquals(1, core.stats().viewsFallenBackTo());
  }

  @Test
  void aReplicaThatSentADoViewChangeNeverFallsBackBelowIt() {
    ChoraConfig c = config().viewChangeTimeoutNanos(10 * MS).build();
    core = new ReplicaCore(c, 2, out);
    core.tick(0);
    core.receive(MS, startViewChange(4).from(1).boundView(0).build()); // joins 4; with its own, f+1: DoViewChange to 1
    assertTrue(out.sent.stream().anyMatch(x -> x.to() == 1 && x.message() instanceof DoViewChange d && d.view() == 4));
    core.tick(core.nextDeadlineNanos()); // view 4 times out: view 5, its own
    assertEquals(5, core.view());
    core.receive(core.nextDeadlineNanos() - 1,
        startView(3).from(0).activeSet(0b011).firstRound(1).executedThrough(0, 0).build());
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "bound to view 4: view 3 is refused");
    assertEquals(5, core.view());
    assertEquals(0, core.stats().viewsFallenBackTo());
  }

  /**
   * A replica adopts a view only once it can keep its own first proposal of it. Found by the
   * simulator (seed 11316, N = 3): a lagging replica whose window ended just after the decided
   * rounds adopted the view and proposed its first round one past the window, sending the proposal
   * without keeping it; the message was lost, no one held the slot, the proposer could not resend
   * it and, proposing later rounds on time, was never suspected: every replica stayed NORMAL, with
   * that round never complete, for good.
   */
  @Test
  void aViewIsAdoptedOnlyOnceItsFirstProposalFitsTheWindow() {
    core.tick(0);
    long limit = 33; // a window of 32 rounds from round 1
    Batch[] empty = {Batch.EMPTY, Batch.EMPTY, Batch.EMPTY};
    // View 4 (coordinator 1): everything up to round 31 executed at replica 1, round 32 decided,
    // the view's first round 33, just past this replica's window.
    StartView view4 = startView(4).from(1).activeSet(0b111).firstRound(limit).executedThrough(limit - 2, 1)
        .decided(List.of(new RoundSlots(limit - 1, 0b111, 4, empty.clone()))).build();
    out.clear();
    core.receive(MS, view4);
    for (RoundMessage m : out.sentOf(RoundMessage.class)) {
      out.clear();
      core.receive(MS, slotRequest(0, m.round(), m.round()).inView(4).from(1).build());
      assertEquals(1, out.sentOf(SlotTransfer.class).size(),
          "proposed round " + m.round() + " but cannot send its slot again");
    }
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status(), "adoption waits for the window");
    assertEquals(4, core.view());

    // Caught up by state transfer and a snapshot, it adopts the view and keeps what it proposes.
    List<RoundSlots> executed = new ArrayList<>();
    for (long r = 1; r <= limit - 2; r++) {
      executed.add(new RoundSlots(r, 0b111, RoundSlots.COMMITTED, empty.clone()));
    }
    core.receive(2 * MS, StateTransfer.rounds(4, 1, executed));
    assertEquals(limit - 2, core.executedRound());
    core.snapshotTaken(28, new byte[] {1});
    core.tick(3 * MS);
    assertEquals(ReplicaCore.Status.NORMAL, core.status());
    assertEquals(limit, core.currentRound());
    out.clear();
    core.receive(3 * MS, slotRequest(0, limit, limit).inView(4).from(1).build());
    assertEquals(1, out.sentOf(SlotTransfer.class).size(), "its first proposal of the view is kept");
  }
}
