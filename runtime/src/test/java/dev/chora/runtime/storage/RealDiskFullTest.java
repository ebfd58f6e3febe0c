package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A real out-of-space error from the kernel, which needs a small file system made for it (as root:
 * {@code mount -t tmpfs -o size=64k tmpfs DIR}), so it runs only when asked:
 * {@code -Dchora.storage.fullDir=DIR}. Checks that ENOSPC reaches the log as DISK_FULL, that the
 * log then refuses everything, and that a reopen after space is freed replays what fitted.
 */
@EnabledIfSystemProperty(named = "chora.storage.fullDir", matches = ".+")
class RealDiskFullTest {
  @Test
  void outOfSpaceIsDiskFull() throws IOException {
    Path dir = Path.of(System.getProperty("chora.storage.fullDir")).resolve("log-" + ProcessHandle.current().pid());
    LogOptions options = new LogOptions(1 << 20, 4096, 8192);
    SegmentedLog log = SegmentedLog.open(FileDisk.open(dir), options, r -> { });
    long synced = 0;
    StorageUnwritableException full = null;
    for (long i = 1; i < 1_000_000 && full == null; i++) {
      try {
        log.append(i, 0, new byte[1000]);
        if (i % 4 == 0) {
          synced = log.sync();
        }
      } catch (StorageUnwritableException e) {
        full = e;
      }
    }
    assertTrue(full != null, "the file system never filled");
    assertEquals(StorageUnwritableException.Kind.DISK_FULL, full.kind(), full.getMessage());
    assertTrue(full.stoppedAcknowledging().startsWith("stopped acknowledging: disk full at " + dir), full.stoppedAcknowledging());
    StorageUnwritableException first = full;
    assertEquals(first, assertThrows(StorageUnwritableException.class, log::sync));
    log.close();
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog reopened = SegmentedLog.open(FileDisk.open(dir), options, replayed::add)) {
      assertTrue(replayed.size() >= synced, replayed.size() + " replayed, " + synced + " were synced");
      System.out.println("RealDiskFullTest: " + first.stoppedAcknowledging() + "; " + synced + " synced, "
          + replayed.size() + " replayed; " + reopened.replayReport().cut());
    }
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
