package dev.chora.runtime.storage;

import static dev.chora.runtime.storage.StoreEntries.batch;
import static dev.chora.runtime.storage.StoreEntries.slot;
import static dev.chora.runtime.storage.StoreEntries.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.core.Restored;
import dev.chora.runtime.message.RoundSlots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica store on a simulated and a real directory: restart, crashes, damage, snapshots, failures. */
class ReplicaStoreTest {
  static final int REPLICAS = 3;
  /** Small segments (about ten slot entries each), so that snapshots can delete some. */
  static final ReplicaStoreOptions SMALL = new ReplicaStoreOptions(new LogOptions(1024, 512, 4096), 4096, false, 1 << 20);

  @TempDir
  Path dir;

  /** A view record, then one slot per proposer for rounds 1..rounds. */
  static List<LogEntry> rounds(int rounds) {
    List<LogEntry> entries = new ArrayList<>();
    entries.add(view(1));
    for (int r = 1; r <= rounds; r++) {
      for (int j = 0; j < REPLICAS; j++) {
        entries.add(slot(r, j, 0b111, 1, batch(r * 10L + j, 2, 8)));
      }
    }
    return entries;
  }

  static void appendAll(ReplicaStore store, List<LogEntry> entries, int from) throws IOException {
    for (int i = from; i < entries.size(); i++) {
      store.append(i + 1, entries.get(i));
    }
  }

  static void assertRestored(List<LogEntry> entries, int upTo, long snapshotRound, Restored r) throws IOException {
    assertEquals(upTo + 1, r.nextSeq(), "next entry number");
    assertEquals(snapshotRound, r.snapshotRound());
    assertEquals(StoreEntries.latestView(entries, upTo), r.view());
    assertEquals(StoreEntries.expectedRounds(entries, upTo, snapshotRound, REPLICAS), StoreEntries.describe(r.rounds()));
  }

  @Test
  void aFirstStartThenARestartOnARealDirectory() throws IOException {
    List<LogEntry> entries = rounds(5);
    entries.add(new LogEntry.Round(new RoundSlots(3, 0b101, RoundSlots.COMMITTED, new dev.chora.runtime.message.Batch[] {
        batch(99, 1, 4), null, batch(98, 1, 4)})));
    entries.add(new LogEntry.ClearAbove(4));
    entries.add(new LogEntry.ViewRecord(2, 1, 2, 0b011, 4));
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      assertTrue(store.firstStart());
      assertThrows(IllegalStateException.class, store::restore);
      assertEquals(0, store.lastSeq());
      appendAll(store, entries, 0);
      assertEquals(0, store.durableSeq(), "nothing is durable before a sync");
      assertEquals(entries.size(), store.sync());
      assertEquals(entries.size(), store.durableSeq());
    }
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      assertFalse(store.firstStart());
      Restored r = store.restore();
      assertRestored(entries, entries.size(), 0, r);
      assertEquals(4, r.rounds().size(), "rounds 1 to 4; round 5 cleared");
      assertEquals(RoundSlots.COMMITTED, r.rounds().get(2).tag(), "round 3 replaced by the committed round");
      assertNull(r.snapshot());
      assertThrows(IllegalStateException.class, store::restore, "restore gives its result once");
    }
  }

  @Test
  void entryNumbersContinueAcrossRestartsAndMustNotSkip() throws IOException {
    SimDisk disk = new SimDisk("d", 1, SyncLatency.NONE);
    List<LogEntry> entries = rounds(4);
    try (ReplicaStore store = ReplicaStore.open(disk, REPLICAS, SMALL)) {
      appendAll(store, entries, 0);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.append(entries.size() + 2, view(3)));
      assertTrue(e.getMessage().contains("the next entry number is " + (entries.size() + 1)), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.append(entries.size(), view(3)));
    }
    for (int restart = 0; restart < 3; restart++) {
      try (ReplicaStore store = ReplicaStore.open(disk, REPLICAS, SMALL)) {
        assertEquals(entries.size(), store.lastSeq());
        assertRestored(entries, entries.size(), 0, store.restore());
        entries.add(view(2 + restart));
        entries.add(slot(10 + restart, 1, 0b111, 2 + restart, batch(restart, 1, 1)));
        appendAll(store, entries, entries.size() - 2);
        store.sync();
      }
    }
  }

  /** Large segments (no rollover syncs) and a small write buffer (unsynced entries reach the disk). */
  static final ReplicaStoreOptions UNSYNCED = new ReplicaStoreOptions(new LogOptions(1 << 20, 512, 600), 4096, false, 1 << 20);

  @Test
  void aCrashLosesAtMostTheUnsyncedEntries() throws IOException {
    int lostAll = 0;
    int keptSome = 0;
    for (long seed = 1; seed <= 60; seed++) {
      SimDisk disk = new SimDisk("d", seed, SyncLatency.NONE);
      List<LogEntry> entries = rounds(8);
      int synced = 13;
      ReplicaStore store = ReplicaStore.open(disk, REPLICAS, UNSYNCED);
      for (int i = 0; i < entries.size(); i++) {
        store.append(i + 1, entries.get(i));
        if (i + 1 == synced) {
          assertEquals(synced, store.sync());
        }
      }
      disk.crash();
      try (ReplicaStore reopened = ReplicaStore.open(disk, REPLICAS, UNSYNCED)) {
        Restored r = reopened.restore();
        int found = (int) r.nextSeq() - 1;
        assertTrue(found >= synced && found <= entries.size(), "seed " + seed + ": found " + found);
        assertRestored(entries, found, 0, r);
        if (found == synced) {
          lostAll++;
        } else {
          keptSome++;
        }
      }
    }
    assertTrue(lostAll > 0 && keptSome > 0, "crashes lost all unsynced entries " + lostAll + " times, kept some " + keptSome);
  }

  @Test
  void aTornTailIsCutAndTheRestRestored() throws IOException {
    List<LogEntry> entries = rounds(3);
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      appendAll(store, entries, 0);
      store.sync();
    }
    Path last = segments().get(segments().size() - 1);
    // Half of a frame header: what a crash in the middle of a write leaves.
    Files.write(last, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      assertTrue(store.replayReport().cutTornTail(), store.replayReport().toString());
      assertRestored(entries, entries.size(), 0, store.restore());
    }
  }

  @Test
  void aDamagedRecordInTheMiddleIsRefusedNamingItsPlace() throws IOException {
    List<LogEntry> entries = rounds(10);
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      appendAll(store, entries, 0);
    }
    List<Path> segments = segments();
    assertTrue(segments.size() >= 3, "several segments: " + segments);
    Path first = segments.get(0);
    byte[] bytes = Files.readAllBytes(first);
    bytes[SegmentHeader.BYTES + 20] ^= 0x10;
    Files.write(first, bytes);
    for (int attempt = 0; attempt < 2; attempt++) {
      CorruptStorageException e = assertThrows(CorruptStorageException.class,
          () -> ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL), "refused, and the lock is released each time");
      assertEquals(first.getFileName().toString(), e.file());
      assertEquals(SegmentHeader.BYTES, e.offset());
      assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
    }
  }

  @Test
  void aRecordThisVersionCannotReadIsRefusedWithItsEntryNumber() throws IOException {
    SimDisk disk = new SimDisk("d", 2, SyncLatency.NONE);
    try (SegmentedLog log = SegmentedLog.open(disk, SMALL.log(), r -> {})) {
      log.append(1, LogEntryCodec.VIEW, LogEntryCodec.encode(view(1)));
      log.append(2, 99, new byte[] {1, 2, 3});
    }
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> ReplicaStore.open(disk, REPLICAS, SMALL));
    assertTrue(e.getMessage().contains("d/" + SegmentHeader.fileName(1) + ", entry 2") && e.getMessage().contains("unknown record type 99"),
        e.getMessage());
    assertThrows(CorruptStorageException.class, () -> ReplicaStore.open(disk, REPLICAS, SMALL), "refused again, not locked");
  }

  @Test
  void aLogWithoutAViewRecordIsRefused() throws IOException {
    SimDisk disk = new SimDisk("d", 3, SyncLatency.NONE);
    try (SegmentedLog log = SegmentedLog.open(disk, SMALL.log(), r -> {})) {
      log.append(1, LogEntryCodec.SLOT, LogEntryCodec.encode(slot(1, 0, 0b111, 1, batch(1, 1, 1))));
    }
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> ReplicaStore.open(disk, REPLICAS, SMALL));
    assertTrue(e.getMessage().contains("no view record") && e.getMessage().contains("up to entry 1"), e.getMessage());
  }

  @Test
  void aSnapshotDeletesTheLogBelowItAndARestartFindsTheSameRoundsAbove() throws IOException {
    List<LogEntry> entries = rounds(30);
    byte[] state = "state after round 20".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      appendAll(store, entries, 0);
      int before = store.stats().segments();
      assertTrue(store.saveSnapshot(20, state));
      assertEquals(entries.size(), store.durableSeq(), "the snapshot synced the log first");
      StoreStats stats = store.stats();
      assertTrue(stats.segmentsDeleted() > 0 && stats.segments() == before - stats.segmentsDeleted(), stats.toString());
      assertTrue(Files.exists(dir.resolve(MetadataStore.FILE)), "the view record of a deleted segment is in the metadata store");
      assertFalse(store.saveSnapshot(20, state), "a snapshot not above the latest is ignored");
      assertFalse(store.saveSnapshot(5, state));
    }
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      Restored r = store.restore();
      assertRestored(entries, entries.size(), 20, r);
      assertArrayEquals(state, r.snapshot());
      assertEquals(List.of(21L, 30L), List.of(r.rounds().get(0).round(), r.rounds().get(r.rounds().size() - 1).round()));
      // The deleted segments held nothing above round 20: every record left is read, none missing.
      assertTrue(store.stats().segments() < (entries.size() / 10), store.stats().toString());
    }
  }

  @Test
  void aSegmentThatConcernsARoundAboveTheSnapshotKeepsItselfAndEverySegmentAfterIt() throws IOException {
    List<LogEntry> entries = new ArrayList<>(rounds(30));
    entries.add(2, slot(90, 0, 0b111, 1, batch(90, 1, 1)));
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      appendAll(store, entries, 0);
      assertTrue(store.saveSnapshot(20, new byte[] {1}));
      assertEquals(0, store.stats().segmentsDeleted(), "the first segment concerns round 90");
    }
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      Restored r = store.restore();
      assertRestored(entries, entries.size(), 20, r);
      assertEquals(90, r.rounds().get(r.rounds().size() - 1).round());
      entries.add(new LogEntry.ClearAbove(10));
      store.append(entries.size(), entries.get(entries.size() - 1));
      assertTrue(store.saveSnapshot(25, new byte[] {2}));
      assertTrue(store.stats().segmentsDeleted() > 0, "round 90 cleared: everything but the last segment concerns rounds up to 25");
    }
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      Restored r = store.restore();
      assertRestored(entries, entries.size(), 25, r);
      assertTrue(r.rounds().isEmpty());
      assertEquals(view(1), r.view());
    }
  }

  @Test
  void aCrashAnywhereInASnapshotLeavesTheOldStateOrTheNewWhole() throws IOException {
    int sawOld = 0;
    int sawNew = 0;
    byte[] state = {4, 2};
    for (long seed = 1; seed <= 6; seed++) {
      for (int crashAt = 1;; crashAt++) {
        SimDisk sim = new SimDisk("d", seed * 1000 + crashAt, SyncLatency.NONE);
        List<LogEntry> entries = rounds(30);
        int synced = entries.size();
        try (ReplicaStore store = ReplicaStore.open(sim, REPLICAS, SMALL)) {
          appendAll(store, entries, 0);
        }
        // The only view record is entry 1, in a segment the snapshot deletes.
        entries.add(slot(31, 0, 0b111, 2, batch(31, 1, 3)));
        entries.add(slot(31, 1, 0b111, 2, batch(32, 1, 3)));
        CrashPointDisk disk = new CrashPointDisk(sim, crashAt);
        boolean returned;
        try {
          ReplicaStore store = ReplicaStore.open(disk, REPLICAS, SMALL);
          appendAll(store, entries, synced);
          assertTrue(store.saveSnapshot(20, state));
          returned = true;
        } catch (CrashPointDisk.Crashed e) {
          returned = false;
        }
        if (returned) {
          sim.crash();
        }
        String at = "seed " + seed + ", crash at operation " + crashAt;
        try (ReplicaStore store = ReplicaStore.open(sim, REPLICAS, SMALL)) {
          Restored r = store.restore();
          int found = (int) r.nextSeq() - 1;
          assertTrue(found >= synced && found <= entries.size(), at + ": found " + found);
          if (returned) {
            assertEquals(20, r.snapshotRound(), at);
            assertEquals(entries.size(), found, at + ": the snapshot synced every entry before it");
          }
          if (r.snapshotRound() == 20) {
            assertArrayEquals(state, r.snapshot(), at);
            sawNew++;
          } else {
            assertEquals(0, r.snapshotRound(), at);
            sawOld++;
          }
          assertRestored(entries, found, r.snapshotRound(), r);
        }
        if (disk.crashPending()) {
          break;
        }
      }
    }
    assertTrue(sawOld > 0 && sawNew > 0, "old " + sawOld + ", new " + sawNew);
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFails() throws IOException {
    try (ReplicaStore store = ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL)) {
      DataDirectoryLockedException e = assertThrows(DataDirectoryLockedException.class,
          () -> ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL));
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
    ReplicaStore.open(FileDisk.open(dir), REPLICAS, SMALL).close();
  }

  @Test
  void aReadOnlyDiskStopsTheDurableEntryNumberAndSaysWhy() throws IOException {
    SimDisk disk = new SimDisk("d", 4, SyncLatency.NONE);
    List<LogEntry> entries = rounds(6);
    ReplicaStore store = ReplicaStore.open(disk, REPLICAS, SMALL);
    appendAll(store, entries.subList(0, 7), 0);
    assertEquals(7, store.sync());
    disk.setReadOnly(true);
    store.append(8, entries.get(7));
    StorageUnwritableException e = assertThrows(StorageUnwritableException.class, store::sync);
    assertEquals(StorageUnwritableException.Kind.NOT_WRITABLE, e.kind());
    assertEquals(7, store.durableSeq());
    assertSame(e, assertThrows(StorageUnwritableException.class, store::sync), "the same failure, every time");
    assertSame(e, assertThrows(StorageUnwritableException.class, () -> store.append(9, entries.get(8))));
    assertSame(e, assertThrows(StorageUnwritableException.class, () -> store.saveSnapshot(3, new byte[1])));
    assertEquals(7, store.durableSeq());
    assertSame(e, store.failure());
    assertTrue(store.stoppedAcknowledging().startsWith("stopped acknowledging: data directory not writable at sim-disk:d"),
        store.stoppedAcknowledging());
    store.close();
    disk.setReadOnly(false);
    try (ReplicaStore reopened = ReplicaStore.open(disk, REPLICAS, SMALL)) {
      Restored r = reopened.restore();
      assertTrue(r.nextSeq() - 1 >= 7);
      assertRestored(entries, (int) r.nextSeq() - 1, 0, r);
    }
  }

  @Test
  void aFullDiskAndAFailedSyncStopTheDurableEntryNumber() throws IOException {
    SimDisk disk = new SimDisk("d", 5, SyncLatency.NONE);
    List<LogEntry> entries = rounds(40);
    ReplicaStore store = ReplicaStore.open(disk, REPLICAS, SMALL);
    appendAll(store, entries.subList(0, 4), 0);
    assertEquals(4, store.sync());
    disk.setCapacityBytes(disk.usedBytes() + 300);
    StorageUnwritableException full = assertThrows(StorageUnwritableException.class, () -> {
      appendAll(store, entries, 4);
      store.sync();
    });
    assertEquals(StorageUnwritableException.Kind.DISK_FULL, full.kind());
    assertEquals(4, store.durableSeq());
    assertTrue(store.stoppedAcknowledging().contains("disk full at sim-disk:d"), store.stoppedAcknowledging());

    SimDisk other = new SimDisk("e", 6, SyncLatency.NONE);
    ReplicaStore second = ReplicaStore.open(other, REPLICAS, SMALL);
    second.append(1, view(1));
    other.failNextSyncs(1);
    StorageUnwritableException failed = assertThrows(StorageUnwritableException.class, second::sync);
    assertEquals(StorageUnwritableException.Kind.SYNC_FAILED, failed.kind());
    assertEquals(0, second.durableSeq());
    assertSame(failed, assertThrows(StorageUnwritableException.class, second::sync), "a failed sync is never retried");
  }

  @Test
  void oneSyncCoversEveryEntryAppendedBeforeIt() throws IOException {
    SimDisk disk = new SimDisk("d", 7, SyncLatency.NONE);
    List<LogEntry> entries = rounds(3);
    long[] clock = {0};
    try (ReplicaStore store = ReplicaStore.open(disk, REPLICAS, ReplicaStoreOptions.DEFAULTS, () -> clock[0] += 1000)) {
      appendAll(store, entries, 0);
      long forces = disk.forces();
      assertEquals(entries.size(), store.sync());
      assertEquals(forces + 1, disk.forces(), "one file sync for " + entries.size() + " entries");
      assertEquals(entries.size(), store.sync(), "nothing new: no sync");
      assertEquals(forces + 1, disk.forces());
      StoreStats stats = store.stats();
      assertEquals(entries.size(), stats.entriesAppended());
      assertEquals(1, stats.syncs());
      assertEquals(1000, stats.lastSyncNanos());
      assertEquals(1000, stats.syncP99Nanos());
      assertTrue(stats.bytesWritten() > 0);
    }
  }

  @Test
  void anEntryTooLargeOrForAnotherClusterSizeIsRefusedAndTheStoreGoesOn() throws IOException {
    SimDisk disk = new SimDisk("d", 8, SyncLatency.NONE);
    try (ReplicaStore store = ReplicaStore.open(disk, REPLICAS, SMALL)) {
      store.append(1, view(1));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.append(2, slot(1, 0, 0b111, 1, batch(1, 1, 600))));
      assertTrue(e.getMessage().contains("max-record-bytes"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> store.append(2, slot(1, 3, 0b1111, 1, batch(1, 1, 6))));
      assertTrue(e.getMessage().contains("proposer 3 in a cluster of 3"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> store.append(2, StoreEntries.round(1, 0b1, 1, batch(1, 1, 1))));
      assertTrue(e.getMessage().contains("1 slots in a cluster of 3"), e.getMessage());
      store.append(2, slot(1, 0, 0b111, 1, batch(1, 1, 6)));
      assertEquals(2, store.sync());
      assertNull(store.failure());
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
  }
}
