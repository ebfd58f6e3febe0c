package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The simulated disk's crash model and faults, each checked over many seeds where it is random. */
class SimDiskTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] contents(SimDisk disk, String name) throws IOException {
    try (DiskFile file = disk.open(name)) {
      byte[] bytes = new byte[(int) file.size()];
      file.read(0, bytes, 0, bytes.length);
      return bytes;
    }
  }

  private static void append(DiskFile file, String s) throws IOException {
    byte[] b = ascii(s);
    file.append(b, 0, b.length);
  }

  @Test
  void crashKeepsWhatWasSyncedAndAtMostAPrefixOfTheRest() throws IOException {
    int lostAll = 0;
    int keptAll = 0;
    int torn = 0;
    int garbage = 0;
    for (long seed = 1; seed <= 200; seed++) {
      SimDisk disk = new SimDisk("d", seed, SyncLatency.NONE);
      DiskFile file = disk.create("f");
      disk.syncDirectory();
      append(file, "synced-");
      file.force();
      append(file, "written-but-not-synced");
      disk.crash();
      byte[] after = contents(disk, "f");
      String text = new String(after, StandardCharsets.US_ASCII);
      assertTrue(text.startsWith("synced-"), "seed " + seed + ": " + text);
      assertTrue(after.length <= "synced-written-but-not-synced".length());
      String tail = text.substring(7);
      if (tail.isEmpty()) {
        lostAll++;
      } else if (!"written-but-not-synced".startsWith(tail)) {
        garbage++;
      } else if (tail.length() == 22) {
        keptAll++;
      } else {
        torn++;
      }
    }
    assertTrue(lostAll > 10 && keptAll > 10 && torn > 10 && garbage > 5,
        "lost " + lostAll + ", kept " + keptAll + ", torn " + torn + ", garbage " + garbage);
  }

  @Test
  void unsyncedTruncationIsUndoneByACrash() throws IOException {
    SimDisk disk = new SimDisk("d", 7, SyncLatency.NONE);
    DiskFile file = disk.create("f");
    disk.syncDirectory();
    append(file, "abcdef");
    file.force();
    file.truncate(2);
    append(file, "XY");
    assertArrayEquals(ascii("abXY"), contents(disk, "f"));
    disk.crash();
    assertArrayEquals(ascii("abcdef"), contents(disk, "f"));
  }

  @Test
  void directoryEntriesNeedADirectorySync() throws IOException {
    int vanished = 0;
    for (long seed = 1; seed <= 100; seed++) {
      SimDisk disk = new SimDisk("d", seed, SyncLatency.NONE);
      DiskFile kept = disk.create("kept");
      append(kept, "k");
      kept.force();
      disk.syncDirectory();
      DiskFile fresh = disk.create("fresh");
      append(fresh, "f");
      fresh.force();
      disk.rename("kept", "renamed");
      disk.crash();
      assertTrue(disk.exists("kept") != disk.exists("renamed"), "seed " + seed + ": a rename is atomic");
      if (!disk.exists("fresh")) {
        vanished++;
        assertTrue(disk.exists("kept"), "seed " + seed + ": directory operations survive in order");
      }
    }
    assertTrue(vanished > 10 && vanished < 90, "an unsynced creation vanished " + vanished + " times in 100");
  }

  @Test
  void handlesFromBeforeACrashAreDeadAndTheLockIsFree() throws IOException {
    SimDisk disk = new SimDisk("d", 1, SyncLatency.NONE);
    Closeable lock = disk.lock();
    assertThrows(DataDirectoryLockedException.class, disk::lock);
    DiskFile file = disk.create("f");
    disk.crash();
    assertThrows(IllegalStateException.class, file::size);
    lock.close();
    Closeable again = disk.lock();
    assertThrows(DataDirectoryLockedException.class, disk::lock, "the old handle's close must not free the new holder's lock");
    again.close();
    disk.lock().close();
  }

  @Test
  void fullDiskWritesWhatFitsThenFails() throws IOException {
    SimDisk disk = new SimDisk("replica-1", 1, SyncLatency.NONE);
    DiskFile file = disk.create("f");
    disk.setCapacityBytes(10);
    append(file, "12345678");
    StorageUnwritableException e = assertThrows(StorageUnwritableException.class, () -> append(file, "abcde"));
    assertEquals(StorageUnwritableException.Kind.DISK_FULL, e.kind());
    assertEquals(10, file.size());
    assertTrue(e.stoppedAcknowledging().startsWith("stopped acknowledging: disk full at sim-disk:replica-1"), e.stoppedAcknowledging());
    disk.setReadOnly(true);
    assertEquals(StorageUnwritableException.Kind.NOT_WRITABLE,
        assertThrows(StorageUnwritableException.class, () -> disk.create("g")).kind());
  }

  @Test
  void aFlippedBitIsWhatTheNextReadSees() throws IOException {
    SimDisk disk = new SimDisk("d", 3, SyncLatency.NONE);
    DiskFile file = disk.create("f");
    append(file, "AAAA");
    file.force();
    disk.flipBit("f", 8 + 1);
    assertArrayEquals(ascii("ACAA"), contents(disk, "f"));
    long offset = disk.flipRandomBit("f");
    assertTrue(offset >= 0 && offset < 4);
    assertFalse(Arrays.equals(ascii("ACAA"), contents(disk, "f")));
  }

  @Test
  void syncLatencyIsSeededAndSpiky() {
    SimDisk a = new SimDisk("a", 42, SyncLatency.SSD);
    SimDisk b = new SimDisk("b", 42, SyncLatency.SSD);
    long[] draws = new long[20_000];
    for (int i = 0; i < draws.length; i++) {
      draws[i] = a.nextSyncLatencyNanos();
      assertEquals(draws[i], b.nextSyncLatencyNanos(), "same seed, same latencies");
    }
    Arrays.sort(draws);
    long p50 = draws[draws.length / 2];
    long p99 = draws[draws.length * 99 / 100];
    assertTrue(p50 >= 100_000 && p50 <= 250_000, "p50 " + p50);
    assertTrue(p99 >= 1_000_000 && p99 <= 6_000_000, "p99 " + p99);
  }

  @Test
  void aSeedGivesTheSameCrashes() throws IOException {
    for (long seed = 1; seed <= 20; seed++) {
      assertArrayEquals(crashOnce(seed), crashOnce(seed), "seed " + seed);
    }
  }

  private static byte[] crashOnce(long seed) throws IOException {
    SimDisk disk = new SimDisk("d", seed, SyncLatency.NONE);
    DiskFile file = disk.create("f");
    disk.syncDirectory();
    for (int i = 0; i < 10; i++) {
      append(file, "chunk-" + i);
      if (i % 4 == 0) {
        file.force();
      }
    }
    disk.crash();
    return contents(disk, "f");
  }
}
