package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.startViewChange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartViewChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The durable mode's rules, step by step (docs/protocol.md, "Durable mode"): what the core journals,
 * that an acknowledgement covers only persisted slots, that a promise is on disk before the
 * DoViewChange that reveals it leaves, and what a restart from disk starts as.
 */
class DurabilityTest extends CoreFixture {
  {
    core = new ReplicaCore(config().durable(true).build(), 0, out);
  }

  @Test
  void aNewDurableReplicaJournalsItsViewStateFirst() {
    assertEquals(1, core.emittedSeq());
    LogEntry.ViewRecord first = assertInstanceOf(LogEntry.ViewRecord.class, out.persisted.get(0));
    assertEquals(new LogEntry.ViewRecord(0, 0, Sentinels.NO_VIEW, 0b111, 1), first);
  }

  @Test
  void aSlotIsAcknowledgedOnlyOnceItIsPersisted() {
    core.persisted(0, core.emittedSeq());
    core.tick(0); // enters round 1, proposing its own (empty) slot
    core.receive(0, round(1).from(1).batch(batch(req(1, 1))).acks(0, 1, 0).build());
    assertEquals(0, core.ownAck(1), "replica 1's slot of round 1 is stored but not on disk: not acknowledged");
    assertEquals(0, core.ownAck(0), "nor is its own proposal");
    LogEntry.Slot slot = (LogEntry.Slot) out.persisted.get(out.persisted.size() - 1);
    assertEquals(1, slot.round());
    assertEquals(1, slot.proposer());

    out.clear();
    core.persisted(0, core.emittedSeq());
    assertEquals(1, core.ownAck(1));
    assertEquals(1, core.ownAck(0));
    List<AckMessage> acks = out.sentOf(AckMessage.class);
    assertEquals(2, acks.size(), "no round message could take them (round 1 waits for replica 2): an ack message"
        + " to each peer at once: " + out.sent);
    assertEquals(1, acks.get(0).ackVector()[1], "it carries the persisted slot's acknowledgement");
  }

  @Test
  void anIdleReplicaSendsItsAcknowledgementsAtOnceAfterTheSync() {
    core.persisted(0, core.emittedSeq());
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    core.tick(10 * MS);
    assertEquals(2, core.currentRound(), "round 2 after idle-round-interval, its message carrying no acks yet");
    core.receive(10 * MS, round(2).from(1).acks(0, 0, 0).build());
    core.receive(10 * MS, round(2).from(2).acks(0, 0, 0).build());
    assertEquals(2, core.currentRound());
    assertTrue(core.nextDeadlineNanos() > 10 * MS, "nothing to do: round 3 waits for idle-round-interval");
    out.clear();
    core.persisted(10 * MS, core.emittedSeq());
    List<AckMessage> acks = out.sentOf(AckMessage.class);
    assertEquals(2, acks.size(), "an ack message to each peer at once, not an idle interval later: " + out.sent);
    assertArrayEquals(new long[] {2, 2, 2}, acks.get(0).ackVector());
  }

  @Test
  void aLoneDurableRequestCostsOneRoundItsAcknowledgementsComeWithTheSyncs() {
    core.persisted(0, core.emittedSeq());
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    core.persisted(0, core.emittedSeq());
    core.submit(2 * MS, req(1, 1));
    assertEquals(List.of(1L, 2L), out.rounds);
    // The peers' round-2 messages cannot acknowledge the proposal yet: it is not on their disks.
    core.receive(2 * MS + 100_000, round(2).from(1).acks(1, 2, 1).build());
    core.receive(2 * MS + 100_000, round(2).from(2).acks(1, 1, 2).build());
    assertEquals(List.of(1L, 2L), out.rounds, "no round to carry acknowledgements: the syncs release them");
    out.clear();
    core.persisted(2 * MS + 200_000, core.emittedSeq());
    assertEquals(2, out.sentOf(AckMessage.class).size(), "its own acknowledgements leave with its sync");
    core.receive(2 * MS + 300_000, ack(2).from(1).acks(2, 2, 2).build());
    assertEquals(2, core.executedRound(), "committed by the peers' acknowledgements after their syncs");
    assertTrue(out.rounds.isEmpty(), "still no third round: " + out.rounds);
  }

  @Test
  void theDoViewChangeWaitsUntilThePromiseIsOnDisk() {
    core.persisted(0, core.emittedSeq());
    core.tick(0);
    core.receive(0, round(1).from(1).batch(batch(req(1, 1))).acks(0, 1, 0).build());
    out.clear();
    // Replica 1 starts view 1, whose coordinator is replica 1: with its StartViewChange and our
    // own, a quorum, this replica promises view 1 and owes replica 1 a DoViewChange.
    core.receive(MS, startViewChange(1).from(1).boundView(0).build());
    assertTrue(out.sentOf(DoViewChange.class).isEmpty(), "sent before the promise was persisted");
    LogEntry.ViewRecord promise = (LogEntry.ViewRecord) out.persisted.get(out.persisted.size() - 1);
    assertEquals(1, promise.promisedView());

    core.persisted(MS, core.emittedSeq());
    List<DoViewChange> dvc = out.sentOf(DoViewChange.class);
    assertEquals(1, dvc.size(), "released once the promise, and the slots it reports, are on disk");
    assertEquals(1, dvc.get(0).view());
    assertTrue(out.sentOf(StartViewChange.class).size() >= 1, "messages keep their order");
  }

  @Test
  void aRestartFromDiskKeepsItsPromiseAndStartsAViewChangeAboveIt() {
    Batch b = batch(req(1, 1));
    Restored restored = new Restored(0, null, new LogEntry.ViewRecord(3, 2, 3, 0b111, 10),
        List.of(new RoundSlots(10, 0b111, 2, new Batch[] {b, b, null})), 42);
    Recorder restartOut = new Recorder();
    ReplicaCore restarted = ReplicaCore.restart(config().durable(true).build(), 0, restartOut, restored, 7);
    assertEquals(41, restarted.emittedSeq());
    assertEquals(41, restarted.persistedSeq());
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, restarted.status());

    restarted.tick(0);
    assertTrue(restarted.view() > 3, "a view change above the promised view 3, was " + restarted.view());
    StartViewChange svc = restartOut.sentOf(StartViewChange.class).get(0);
    assertEquals(3, svc.boundView(), "bound by its promise");
    assertEquals(0, restarted.executedRound(), "restored content is not executed before a view confirms it");
    assertTrue(restarted.describeRound(10).contains("verified=false"), restarted.describeRound(10));
  }

  @Test
  void aReplicaThatNeverWasNormalRecoversAgain() {
    Restored restored = new Restored(0, null,
        new LogEntry.ViewRecord(Sentinels.NO_VIEW, Sentinels.NO_VIEW, Sentinels.NO_VIEW, 0, 1), List.of(), 5);
    ReplicaCore restarted = ReplicaCore.restart(config().durable(true).build(), 0, new Recorder(), restored, 7);
    assertEquals(ReplicaCore.Status.RECOVERING, restarted.status());
  }

  @Test
  void aRestartNeedsTheDurableMode() {
    Restored restored = new Restored(0, null, new LogEntry.ViewRecord(0, 0, -1, 0b111, 1), List.of(), 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReplicaCore.restart(config().build(), 0, new Recorder(), restored, 7));
    assertTrue(e.getMessage().contains("durable"), e.getMessage());
  }

  @Test
  void memoryModeJournalsNothing() {
    Recorder memoryOut = new Recorder();
    ReplicaCore memory = new ReplicaCore(config().build(), 0, memoryOut);
    memory.tick(0);
    memory.receive(0, round(1).from(1).batch(batch(req(1, 1))).acks(0, 1, 0).build());
    assertEquals(1, memory.ownAck(1), "acknowledged at once");
    assertEquals(0, memory.emittedSeq());
    assertTrue(memoryOut.persisted.isEmpty(), "memory mode persists nothing: " + memoryOut.persisted);
  }
}
