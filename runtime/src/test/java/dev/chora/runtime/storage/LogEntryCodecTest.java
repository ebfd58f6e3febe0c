package dev.chora.runtime.storage;

import static dev.chora.runtime.storage.StoreEntries.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Entries and the view state to bytes and back; damaged bytes refused with a reason, never a crash. */
class LogEntryCodecTest {
  private static final String WHERE = "/d/log-00000000000000000001.seg, entry 7";

  private static List<LogEntry> everyKind() {
    return List.of(
        StoreEntries.slot(5, 2, 0b111, 3, batch(42, 3, 10)),
        StoreEntries.slot(1, 0, 0b1, 0, Batch.EMPTY),
        StoreEntries.slot(Long.MAX_VALUE - 1, 31, -1, RoundSlots.COMMITTED, batch(-7, 1, 0)),
        StoreEntries.round(9, 0b101, RoundSlots.COMMITTED, batch(1, 2, 5), null, Batch.EMPTY),
        StoreEntries.round(10, 0b1, 4),
        new LogEntry.ClearAbove(0),
        new LogEntry.ClearAbove(123456789L),
        new LogEntry.ViewRecord(7, 6, 8, 0b11011, 1000),
        new LogEntry.ViewRecord(0, 0, 0, 0, 0));
  }

  /** Entries compare by content: records holding arrays and batches are compared through their parts. */
  private static String text(LogEntry e) {
    if (e instanceof LogEntry.Slot s) {
      return "slot " + s.round() + "/" + s.proposer() + "/" + s.proposers() + "/" + s.tag() + " " + StoreEntries.describe(s.batch());
    }
    if (e instanceof LogEntry.Round r) {
      return "round " + StoreEntries.describe(List.of(r.slots()));
    }
    return e.toString();
  }

  @Test
  void everyKindRoundTrips() throws CorruptStorageException {
    for (LogEntry e : everyKind()) {
      byte[] bytes = LogEntryCodec.encode(e);
      LogEntry back = LogEntryCodec.decode(LogEntryCodec.type(e), bytes, WHERE);
      assertEquals(e.getClass(), back.getClass());
      assertEquals(text(e), text(back));
    }
  }

  @Test
  void viewStateRoundTripsWithItsEntryNumber() throws CorruptStorageException {
    LogEntryCodec.ViewState state = new LogEntryCodec.ViewState(77, new LogEntry.ViewRecord(7, 6, 8, 0b11, 1000));
    byte[] bytes = LogEntryCodec.encodeViewState(state);
    assertEquals(LogEntryCodec.VIEW_STATE_BYTES, bytes.length);
    assertEquals(state, LogEntryCodec.decodeViewState(bytes, "/d/view-state"));
    bytes[0] = 2;
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decodeViewState(bytes, "/d/view-state"));
    assertTrue(e.getMessage().contains("/d/view-state") && e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void everyTruncationAndEveryExtraByteIsRefusedNamingWhere() {
    for (LogEntry e : everyKind()) {
      byte[] bytes = LogEntryCodec.encode(e);
      int type = LogEntryCodec.type(e);
      for (int length = 0; length < bytes.length; length++) {
        byte[] cut = Arrays.copyOf(bytes, length);
        CorruptStorageException x = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(type, cut, WHERE),
            text(e) + " cut to " + length);
        assertTrue(x.getMessage().contains(WHERE) && x.getMessage().contains("truncated"), x.getMessage());
      }
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      CorruptStorageException x = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(type, longer, WHERE));
      assertTrue(x.getMessage().contains("left over"), x.getMessage());
    }
  }

  @Test
  void anUnknownTypeIsRefused() {
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(99, new byte[8], WHERE));
    assertTrue(e.getMessage().contains("unknown record type 99"), e.getMessage());
  }

  @Test
  void hugeCountsAndLengthsAreRefusedBeforeAnythingIsAllocated() {
    byte[] slot = LogEntryCodec.encode(StoreEntries.slot(5, 1, 0b11, 3, batch(42, 1, 4)));
    int countAt = 8 + 1 + 4 + 8;
    byte[] hugeCount = slot.clone();
    Bytes.putInt(hugeCount, countAt, Integer.MAX_VALUE);
    CorruptStorageException e = assertThrows(CorruptStorageException.class,
        () -> LogEntryCodec.decode(LogEntryCodec.SLOT, hugeCount, WHERE));
    assertTrue(e.getMessage().contains("batch of 2147483647 requests"), e.getMessage());
    byte[] negativeCount = slot.clone();
    Bytes.putInt(negativeCount, countAt, -1);
    assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(LogEntryCodec.SLOT, negativeCount, WHERE));
    byte[] hugeLength = slot.clone();
    Bytes.putInt(hugeLength, countAt + 4 + 16, Integer.MAX_VALUE);
    e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(LogEntryCodec.SLOT, hugeLength, WHERE));
    assertTrue(e.getMessage().contains("command of 2147483647 bytes"), e.getMessage());
    byte[] badProposer = slot.clone();
    badProposer[8] = 40;
    e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(LogEntryCodec.SLOT, badProposer, WHERE));
    assertTrue(e.getMessage().contains("proposer 40"), e.getMessage());
    byte[] round = LogEntryCodec.encode(StoreEntries.round(3, 0b1, 1, Batch.EMPTY));
    byte[] manySlots = round.clone();
    manySlots[20] = (byte) 200;
    e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(LogEntryCodec.ROUND, manySlots, WHERE));
    assertTrue(e.getMessage().contains("200 slots"), e.getMessage());
    byte[] badFlag = round.clone();
    badFlag[21] = 7;
    e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(LogEntryCodec.ROUND, badFlag, WHERE));
    assertTrue(e.getMessage().contains("presence flag 7"), e.getMessage());
    byte[] negativeRound = LogEntryCodec.encode(new LogEntry.ClearAbove(4));
    negativeRound[0] = (byte) 0x80;
    e = assertThrows(CorruptStorageException.class, () -> LogEntryCodec.decode(LogEntryCodec.CLEAR_ABOVE, negativeRound, WHERE));
    assertTrue(e.getMessage().contains("negative round"), e.getMessage());
  }

  @Test
  void randomBytesDecodeOrAreRefusedButNeverCrash() {
    Random random = new Random(24);
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(80)];
      random.nextBytes(bytes);
      int type = 1 + random.nextInt(5);
      try {
        LogEntryCodec.decode(type, bytes, WHERE);
      } catch (CorruptStorageException e) {
        refused++;
      }
    }
    assertTrue(refused > 10_000, "most random bytes are refused: " + refused);
  }

  @Test
  void aFlippedBitInAValidEntryDecodesOrIsRefusedButNeverCrashes() {
    for (LogEntry e : everyKind()) {
      byte[] bytes = LogEntryCodec.encode(e);
      for (int bit = 0; bit < bytes.length * 8; bit++) {
        byte[] flipped = bytes.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        try {
          LogEntryCodec.decode(LogEntryCodec.type(e), flipped, WHERE);
        } catch (CorruptStorageException expected) {
          // refused with a reason: fine
        }
      }
    }
  }

  @Test
  void theRecordBoundHoldsForTheLargestRoundOfTheSmallestRequests() {
    int replicas = 5;
    int maxBatchBytes = 16 * 100;
    Batch[] slots = new Batch[replicas];
    for (int j = 0; j < replicas; j++) {
      List<Request> requests = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        requests.add(new Request(j, i, new byte[0]));
      }
      slots[j] = Batch.of(requests);
      assertEquals(maxBatchBytes, slots[j].sizeBytes());
    }
    byte[] bytes = LogEntryCodec.encode(StoreEntries.round(1, 0b11111, 1, slots));
    assertEquals(LogEntryCodec.maxRoundRecordBytes(replicas, maxBatchBytes), bytes.length, "the bound is tight");
    byte[] oneCommand = LogEntryCodec.encode(StoreEntries.round(1, 0b1, 1, Batch.of(List.of(new Request(1, 1, new byte[maxBatchBytes - 16])))));
    assertTrue(oneCommand.length <= LogEntryCodec.maxRoundRecordBytes(1, maxBatchBytes));
  }
}
