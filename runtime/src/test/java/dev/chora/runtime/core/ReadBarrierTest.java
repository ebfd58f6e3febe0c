package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import org.junit.jupiter.api.Test;

/**
 * Round-barrier reads: served once the first round entered after the read has been executed, and
 * refused when a view change begins.
 */
class ReadBarrierTest extends CoreFixture {

  @Test
  void roundBarrierReadWaitsForTheNextRoundToBeExecuted() {
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    core.tick(10 * MS); // idle-round-interval
    assertEquals(2, core.currentRound());
    core.read(10 * MS, new ReadRequest(1, 1, new byte[1]));
    // Round 2 is current: the barrier is round 3, the first round entered after the read arrived.
    core.receive(10 * MS, round(2).from(1).acks(1, 2, 1).build());
    core.receive(10 * MS, round(2).from(2).acks(1, 1, 2).build());
    core.receive(10 * MS, ack(3).from(1).acks(2, 3, 2).build());
    assertEquals(2, core.executedRound());
    assertTrue(out.reads.isEmpty(), "rounds 1 and 2 are executed, the barrier is round 3");
    core.receive(10 * MS, round(3).from(1).acks(2, 3, 2).build());
    core.receive(10 * MS, round(3).from(2).acks(2, 2, 3).build());
    core.receive(10 * MS, ack(4).from(1).acks(3, 4, 3).build());
    assertEquals(3, core.executedRound());
    assertEquals(1, out.reads.size());
    assertEquals(9, out.executed.size(), "the read comes after every slot of rounds 1 to 3");
  }

  @Test
  void aViewChangeRefusesPendingReads() {
    core.tick(0);
    core.read(0, new ReadRequest(1, 1, new byte[1]));
    core.markUnreachable(0, 2);
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, core.status());
    assertEquals(ClientReply.Status.NOT_ACTIVE, out.replies.get(0).status());
    assertTrue(out.reads.isEmpty());
  }
}
