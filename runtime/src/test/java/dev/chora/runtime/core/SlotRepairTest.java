package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.slotRequest;
import static dev.chora.runtime.core.Messages.slotTransfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slot repair: a slot whose round message was lost is asked for after a round timeout and filled
 * by transfer, and requests for held slots are answered within max-transfer-bytes.
 */
class SlotRepairTest extends CoreFixture {

  @Test
  void aGapIsAskedForAfterARoundTimeoutAndFilledByTransfer() {
    core.tick(0);
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    // Replica 1's round-1 message is lost; its round-2 message shows the gap.
    core.receive(10, round(2).from(1).acks(0, 2, 1).build());
    assertTrue(out.sentOf(SlotRequest.class).isEmpty(), "the missing message may just be late");
    core.tick(10 + MS);
    List<SlotRequest> asks = out.sentOf(SlotRequest.class);
    assertEquals(1, asks.size());
    SlotRequest ask = asks.get(0);
    assertEquals(1, ask.proposer());
    assertEquals(1, ask.fromRound());
    assertEquals(1, ask.toRound(), "round 2 is already held");
    assertEquals(1, out.sent.stream().filter(s -> s.message() == ask).findFirst().orElseThrow().to(),
        "asked of the proposer first");
    core.receive(20 + MS, slotTransfer(1, 1).from(1).batches(List.of(batch(req(5, 1)))).build());
    assertEquals(2, core.ownAck(1));
    assertEquals(1, core.stats().slotsRecovered());
  }

  @Test
  void aCommittedSlotThisReplicaLacksIsFetchedNotSkipped() {
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    // Replicas 1 and 2 both hold (1,2) and say so; this replica never got it.
    core.receive(0, ack(1).from(1).acks(1, 1, 1).build());
    core.receive(0, ack(1).from(2).acks(1, 1, 1).build());
    assertEquals(1, core.commitIndex());
    assertTrue(out.executed.isEmpty(), "round 1 is committed but slot (1,2) is not here");
    core.tick(MS);
    assertEquals(1, out.sentOf(SlotRequest.class).size());
    core.receive(MS, slotTransfer(2, 1).from(2).batches(List.of(batch(req(3, 1)))).build());
    assertEquals(3, out.executed.size());
    assertEquals(3, out.executed.get(2).batch().requests().get(0).clientId());
  }

  @Test
  void slotRequestsAreAnsweredWithHeldSlotsWithinTheTransferLimit() {
    core.tick(0);
    for (int c = 1; c <= 16; c++) {
      core.submit(0, req(c, 1));
    }
    long t = 0;
    for (int i = 0; i < 4; i++) {
      t += MS;
      core.tick(t); // rounds 2..5 by timeout, each with up to four queued requests
    }
    out.clear();
    core.receive(t, slotRequest(0, 1, 5).from(1).build());
    SlotTransfer transfer = out.sentOf(SlotTransfer.class).get(0);
    assertEquals(1, transfer.firstRound());
    assertTrue(transfer.batches().stream().mapToLong(Batch::sizeBytes).sum() <= 700, "max-transfer-bytes");
    assertEquals(4, transfer.batches().size(), "round 1's empty batch and three 200-byte batches fill 700 bytes");
  }
}
