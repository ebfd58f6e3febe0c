package dev.chora.runtime.storage;

import static dev.chora.runtime.storage.StoreEntries.batch;
import static dev.chora.runtime.storage.StoreEntries.round;
import static dev.chora.runtime.storage.StoreEntries.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.RoundSlots;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fold of log entries into held rounds: the rules a restart depends on. */
class RoundFoldTest {
  private static final Batch A = batch(1, 1, 3);
  private static final Batch B = batch(2, 2, 3);
  private static final Batch C = batch(3, 1, 5);

  private static List<RoundSlots> fold(long snapshotRound, LogEntry... entries) throws CorruptStorageException {
    RoundFold fold = new RoundFold(snapshotRound, 3);
    for (LogEntry e : entries) {
      fold.apply(e, "test");
    }
    return fold.rounds();
  }

  @Test
  void aSlotCreatesItsRoundAndFillsOnlyEmptySlots() throws CorruptStorageException {
    List<RoundSlots> rounds = fold(0, slot(4, 1, 0b111, 2, A), slot(4, 0, 0b011, 9, B), slot(4, 1, 0b111, 2, C));
    assertEquals(1, rounds.size());
    RoundSlots rs = rounds.get(0);
    assertEquals(0b111, rs.proposers(), "the round keeps the proposers of the entry that created it");
    assertEquals(2, rs.tag(), "and its tag");
    assertEquals(B, rs.slots()[0]);
    assertEquals(A, rs.slots()[1], "a held slot is never replaced by a slot entry");
    assertEquals(null, rs.slots()[2]);
  }

  @Test
  void aRoundReplacesTheWholeRound() throws CorruptStorageException {
    List<RoundSlots> rounds = fold(0, slot(4, 1, 0b111, 2, A), round(4, 0b101, RoundSlots.COMMITTED, C, null, null),
        slot(4, 1, 0b111, 2, B));
    RoundSlots rs = rounds.get(0);
    assertEquals(0b101, rs.proposers());
    assertEquals(RoundSlots.COMMITTED, rs.tag());
    assertEquals(C, rs.slots()[0]);
    assertEquals(B, rs.slots()[1], "a slot entry after the round fills its empty slot");
  }

  @Test
  void clearAboveForgetsEveryHigherRoundAndLaterEntriesCountAgain() throws CorruptStorageException {
    List<RoundSlots> rounds = fold(0, slot(3, 0, 0b111, 1, A), slot(4, 0, 0b111, 1, A), slot(6, 0, 0b111, 1, A),
        new LogEntry.ClearAbove(3), slot(5, 2, 0b111, 2, B));
    assertEquals(List.of(3L, 5L), rounds.stream().map(RoundSlots::round).toList());
    assertEquals(B, rounds.get(1).slots()[2]);
  }

  @Test
  void roundsAtOrBelowTheSnapshotAreDroppedButAClearAboveBelowItStillClears() throws CorruptStorageException {
    List<RoundSlots> rounds = fold(10, slot(9, 0, 0b111, 1, A), round(10, 0b111, 1, A, A, A), slot(11, 0, 0b111, 1, A),
        slot(12, 0, 0b111, 1, A), new LogEntry.ClearAbove(8), slot(13, 1, 0b111, 2, B));
    assertEquals(List.of(13L), rounds.stream().map(RoundSlots::round).toList());
  }

  @Test
  void theOutputIsInRoundOrderWhateverTheEntryOrder() throws CorruptStorageException {
    List<RoundSlots> rounds = fold(0, slot(7, 0, 0b1, 1, A), slot(2, 0, 0b1, 1, A), round(5, 0b1, 1, A, null, null));
    assertEquals(List.of(2L, 5L, 7L), rounds.stream().map(RoundSlots::round).toList());
  }

  @Test
  void entriesForAnotherClusterSizeAreRefused() {
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> fold(0, slot(1, 4, 0b11111, 1, A)));
    assertTrue(e.getMessage().contains("proposer 4") && e.getMessage().contains("3 replicas"), e.getMessage());
    e = assertThrows(CorruptStorageException.class, () -> fold(0, round(1, 0b1, 1, A, A)));
    assertTrue(e.getMessage().contains("2 slots"), e.getMessage());
  }
}
