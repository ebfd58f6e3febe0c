package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart through the data directory: first start, locked out, restore snapshot then log. */
class DataDirectoryTest {
  private static final LogOptions OPTIONS = new LogOptions(4096, 256, 1024);

  @TempDir
  Path dir;

  private DataDirectory open() throws IOException {
    return DataDirectory.open(FileDisk.open(dir), 1024, false, 1 << 20);
  }

  @Test
  void firstStartThenRestartFromSnapshotAndLog() throws IOException {
    try (DataDirectory data = open()) {
      assertTrue(data.firstStart());
      assertThrows(DataDirectoryLockedException.class, this::open);
      data.metadata().write(new byte[] {7});
      SegmentedLog log = data.openLog(OPTIONS, r -> { });
      for (long i = 1; i <= 200; i++) {
        log.append(i, 0, new byte[] {(byte) i});
      }
      log.sync();
      data.snapshots().save(150, new byte[] {15});
      log.truncatePrefix(150);
    }
    try (DataDirectory data = open()) {
      assertFalse(data.firstStart());
      assertArrayEquals(new byte[] {7}, data.metadata().read().orElseThrow());
      Snapshot snapshot = data.snapshots().loadLatest().orElseThrow();
      assertEquals(150, snapshot.index());
      List<Long> above = new ArrayList<>();
      SegmentedLog log = data.openLog(OPTIONS, r -> {
        if (r.index() > snapshot.index()) {
          above.add(r.index());
        }
      });
      assertEquals(50, above.size());
      assertEquals(151, above.get(0));
      assertTrue(log.firstIndex() <= 151, "the log still reaches the snapshot");
      assertThrows(IllegalStateException.class, () -> data.openLog(OPTIONS, r -> { }));
    }
  }

  @Test
  void aFailedOpenReleasesTheLock() throws IOException {
    try (DataDirectory data = open()) {
      data.metadata().write(new byte[10]);
    }
    assertThrows(CorruptStorageException.class, () -> DataDirectory.open(FileDisk.open(dir), 5, false, 1 << 20));
    open().close();
  }
}
