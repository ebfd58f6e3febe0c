package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The atomic metadata store: round trips, a crash at every point of a write, damage refused. */
class MetadataStoreTest {
  private static final byte[] OLD = "view 7, last normal 6".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEW = "view 8, last normal 6, do-view-change sent".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  @Test
  void roundTripOnARealDirectory() throws IOException {
    MetadataStore store = MetadataStore.open(FileDisk.open(dir), 1024);
    assertTrue(store.read().isEmpty(), "first start");
    store.write(OLD);
    store.write(NEW);
    MetadataStore reopened = MetadataStore.open(FileDisk.open(dir), 1024);
    assertArrayEquals(NEW, reopened.read().orElseThrow());
    assertEquals(2, reopened.writes());
    assertThrows(IllegalArgumentException.class, () -> reopened.write(new byte[1025]));
  }

  @Test
  void damageIsRefusedNamingTheFile() throws IOException {
    MetadataStore.open(FileDisk.open(dir), 1024).write(OLD);
    Path file = dir.resolve(MetadataStore.FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> MetadataStore.open(FileDisk.open(dir), 1024));
    assertEquals(MetadataStore.FILE, e.file());
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void aCrashAnywhereInAWriteLeavesTheOldValueOrTheNewWhole() throws IOException {
    int sawOld = 0;
    int sawNew = 0;
    for (long seed = 1; seed <= 40; seed++) {
      for (int crashAt = 1;; crashAt++) {
        SimDisk sim = new SimDisk("d", seed * 100 + crashAt, SyncLatency.NONE);
        MetadataStore.open(sim, 1024).write(OLD);
        CrashPointDisk disk = new CrashPointDisk(sim, crashAt);
        boolean returned;
        try {
          MetadataStore.open(disk, 1024).write(NEW);
          returned = true;
        } catch (CrashPointDisk.Crashed e) {
          returned = false;
        }
        if (returned) {
          sim.crash();
        }
        MetadataStore after = MetadataStore.open(sim, 1024);
        byte[] value = after.read().orElseThrow();
        if (returned) {
          assertArrayEquals(NEW, value, "a write that returned is durable");
        } else if (java.util.Arrays.equals(OLD, value)) {
          sawOld++;
        } else {
          assertArrayEquals(NEW, value, "seed " + seed + ", crash at operation " + crashAt);
          sawNew++;
        }
        assertFalse(sim.exists(MetadataStore.FILE + ChecksummedFile.TEMP_SUFFIX), "the temporary file is gone after open");
        if (disk.crashPending()) {
          break;
        }
      }
    }
    assertTrue(sawOld > 0 && sawNew > 0, "old " + sawOld + ", new " + sawNew);
  }
}
