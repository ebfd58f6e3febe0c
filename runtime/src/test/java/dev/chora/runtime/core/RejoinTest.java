package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.startView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rejoin damping: how long a member removed from the active set must keep pace before it is added
 * back.
 */
class RejoinTest extends CoreFixture {

  /**
   * Rejoin damping: a member removed soon after it was added back (a restarted JVM warming up
   * under load) must keep pace twice as long before the next rejoin, up to 16 times
   * rejoin-after-rounds; one that stayed in the active set for long starts from the base again.
   */
  @Test
  void aMemberRemovedSoonAfterItsRejoinWaitsTwiceAsLongNextTime() {
    core = new ReplicaCore(config().rejoinAfterRounds(1).logWindowRounds(128).build(), 0, out);
    core.tick(0);
    long v = 0;
    core.receive(MS, startView(++v).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    assertEquals(1, core.rejoinDelayRounds(2), "removed, but never added back: no damping");
    List<Long> paces = new ArrayList<>();
    for (int flap = 0; flap < 6; flap++) {
      // Added back at round 1 ...
      core.receive(MS, startView(++v).from(1).activeSet(0b111).firstRound(1).executedThrough(0, 1).build());
      // ... and removed at once
      core.receive(MS, startView(++v).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
      paces.add(core.rejoinDelayRounds(2));
    }
    assertEquals(List.of(2L, 4L, 8L, 16L, 16L, 16L), paces);
    assertEquals(1, core.rejoinDelayRounds(1), "the other members are not affected");
    core.receive(MS, startView(++v).from(1).activeSet(0b111).firstRound(1).executedThrough(0, 1).build());
    // Removed 127 rounds after its rejoin: less than 8 x 16, still soon.
    core.receive(MS, startView(++v).from(1).activeSet(0b011).firstRound(128).executedThrough(127, 1).build());
    assertEquals(16, core.rejoinDelayRounds(2));
    core.receive(MS, startView(++v).from(1).activeSet(0b111).firstRound(128).executedThrough(127, 1).build());
    assertEquals(16, core.rejoinDelayRounds(2), "adding back does not change the pace");
  }

  /**
   * The damped delay is a hold-off, not a longer run of on-time rounds: under load a member outside
   * the active set is now and then two rounds behind (it acknowledges a round one hop after it
   * began, and rounds are pipelined), and a run of 16 x rejoin-after-rounds on-time rounds in a row
   * would almost never come: a member flapping through a one-way link cut would stay out after the
   * link healed for as long as the load lasted.
   */
  @Test
  void aDampedMemberIsAddedBackAfterItsDelayThoughItIsNowAndThenTwoRoundsBehind() {
    core = new ReplicaCore(config().rejoinAfterRounds(2).logWindowRounds(128).build(), 0, out);
    core.tick(0);
    long v = 0;
    core.receive(MS, startView(++v).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    for (int flap = 0; flap < 3; flap++) {
      core.receive(MS, startView(++v).from(1).activeSet(0b111).firstRound(1).executedThrough(0, 1).build());
      core.receive(MS, startView(++v).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    }
    assertEquals(16, core.rejoinDelayRounds(2), "three quick removals: 2 x 2^3 rounds");
    long view = core.view();
    long t = MS;
    long addedBackAt = -1;
    for (int i = 0; i < 40 && addedBackAt < 0; i++) {
      long r = core.currentRound();
      core.receive(t, round(r).inView(view).from(1).acks(r, r, 0).executed(r - 1).build());
      // Every third round replica 2's acknowledgement is two rounds behind.
      long acked = i % 3 == 2 ? r - 2 : r;
      core.receive(t, ack(acked).inView(view).from(2).acks(acked - 1, acked - 1, 0).executed(acked - 1).build());
      t += MS;
      core.tick(t);
      if (core.status() == ReplicaCore.Status.VIEW_CHANGE) {
        addedBackAt = core.currentRound(); // the last round it entered in the view
      }
    }
    assertEquals(1, core.stats().rejoins(), "replica 2 was added back");
    assertTrue(addedBackAt >= 1 + 16, "not before its delay of 16 rounds (removed at round 1): at round " + addedBackAt);
    assertTrue(addedBackAt <= 1 + 16 + 3, "within a round or two of its delay: at round " + addedBackAt);
  }

  @Test
  void aMemberThatStayedLongAfterItsRejoinStartsFromTheBasePaceAgain() {
    core = new ReplicaCore(config().rejoinAfterRounds(1).logWindowRounds(128).build(), 0, out);
    core.tick(0);
    core.receive(MS, startView(1).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    core.receive(MS, startView(2).from(1).activeSet(0b111).firstRound(1).executedThrough(0, 1).build());
    core.receive(MS, startView(3).from(1).activeSet(0b011).firstRound(1).executedThrough(0, 1).build());
    assertEquals(2, core.rejoinDelayRounds(2));
    core.receive(MS, startView(4).from(1).activeSet(0b111).firstRound(1).executedThrough(0, 1).build());
    // 16 rounds: 8 x its pace of 2
    core.receive(MS, startView(5).from(1).activeSet(0b011).firstRound(17).executedThrough(16, 1).build());
    assertEquals(1, core.rejoinDelayRounds(2));
  }
}
