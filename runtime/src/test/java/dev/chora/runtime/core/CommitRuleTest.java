package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commit rule and execution: a slot commits with f+1 acks, a round once every slot of it has,
 * and rounds execute in order, each in replica-id order.
 */
class CommitRuleTest extends CoreFixture {

  @Test
  void slotCommitsWithFPlusOneAcksAndRoundWhenEverySlotHas() {
    core.submit(0, req(1, 1)); // the first input enters round 1, with this request
    // Replica 2 is silent; replica 1 sends round 1 and then acknowledges what it holds.
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.tick(MS); // round 1 times out without replica 2: round 2
    core.receive(MS, round(2).from(1).acks(1, 2, 0).build());
    assertEquals(0, core.commitIndex(), "slots (1,0) and (1,1) have f+1 acks, but (1,2) has none");
    assertTrue(out.executed.isEmpty());

    // Replica 2's proposal arrives: it holds (1,2) itself, and now so does this replica.
    core.receive(MS, round(1).from(2).batch(batch(req(7, 1))).acks(0, 0, 1).build());
    assertEquals(1, core.commitIndex());
    assertEquals(List.of(0, 1, 2), out.executed.stream().map(Recorder.Executed::proposer).toList());
    assertEquals(1, out.executed.get(0).batch().size());
    assertEquals(7, out.executed.get(2).batch().requests().get(0).clientId());
  }

  @Test
  void executionFollowsRoundThenReplicaIdOrder() {
    core.tick(0);
    long t = 0;
    for (long r = 1; r <= 3; r++) {
      core.receive(t, round(r).from(2).batch(batch(req(20 + r, 1))).acks(r - 1, r - 1, r).build());
      core.receive(t, round(r).from(1).batch(batch(req(10 + r, 1))).acks(r - 1, r, r - 1).build());
      t += MS;
      core.tick(t);
    }
    core.receive(t, ack(4).from(1).acks(3, 4, 3).build());
    List<String> order = out.executed.stream().map(e -> e.round() + ":" + e.proposer()).toList();
    assertEquals(List.of("1:0", "1:1", "1:2", "2:0", "2:1", "2:2", "3:0", "3:1", "3:2"), order);
  }

  @Test
  void acknowledgementsOnlyGrow() {
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    core.receive(0, ack(2).from(1).acks(1, 2, 1).build());
    assertEquals(1, core.commitIndex());
    // A stale, reordered message with smaller acks changes nothing.
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    assertEquals(1, core.commitIndex());
  }
}
