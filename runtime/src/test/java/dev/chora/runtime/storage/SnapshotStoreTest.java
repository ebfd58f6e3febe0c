package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot store: retention, verification on load, a crash at every point of a save. */
class SnapshotStoreTest {
  @TempDir
  Path dir;

  private static byte[] state(int n) {
    byte[] b = new byte[1000 + n];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * n);
    }
    return b;
  }

  @Test
  void keepsTheLatestAndOptionallyThePrevious() throws IOException {
    SnapshotStore keepOne = SnapshotStore.open(FileDisk.open(dir.resolve("one")), false, 1 << 20);
    SnapshotStore keepTwo = SnapshotStore.open(FileDisk.open(dir.resolve("two")), true, 1 << 20);
    assertEquals(Optional.empty(), keepOne.loadLatest());
    for (int i = 1; i <= 3; i++) {
      keepOne.save(i * 100, state(i));
      keepTwo.save(i * 100, state(i));
    }
    assertEquals(List.of(300L), keepOne.indexes());
    assertEquals(List.of(200L, 300L), keepTwo.indexes());
    Snapshot latest = SnapshotStore.open(FileDisk.open(dir.resolve("two")), true, 1 << 20).loadLatest().orElseThrow();
    assertEquals(300, latest.index());
    assertArrayEquals(state(3), latest.state());
    assertArrayEquals(state(2), keepTwo.load(200).state());
    assertThrows(IllegalArgumentException.class, () -> keepOne.save(300, state(4)));
    assertThrows(IllegalArgumentException.class, () -> keepOne.save(400, new byte[(1 << 20) + 1]));
  }

  @Test
  void aDamagedSnapshotIsRefusedOnLoad() throws IOException {
    SnapshotStore store = SnapshotStore.open(FileDisk.open(dir), false, 1 << 20);
    store.save(42, state(1));
    Path file = dir.resolve("snapshot-00000000000000000042.snap");
    byte[] bytes = Files.readAllBytes(file);
    bytes[500] ^= 4;
    Files.write(file, bytes);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, store::loadLatest);
    assertEquals(file.getFileName().toString(), e.file());
  }

  @Test
  void aCrashAnywhereInASaveLeavesTheOldOrTheNewSnapshotWhole() throws IOException {
    for (long seed = 1; seed <= 20; seed++) {
      for (int crashAt = 1;; crashAt++) {
        SimDisk sim = new SimDisk("d", seed * 100 + crashAt, SyncLatency.NONE);
        SnapshotStore.open(sim, false, 1 << 20).save(10, state(1));
        CrashPointDisk disk = new CrashPointDisk(sim, crashAt);
        boolean returned;
        try {
          SnapshotStore.open(disk, false, 1 << 20).save(20, state(2));
          returned = true;
        } catch (CrashPointDisk.Crashed e) {
          returned = false;
        }
        if (returned) {
          sim.crash();
        }
        Snapshot latest = SnapshotStore.open(sim, false, 1 << 20).loadLatest().orElseThrow();
        String where = "seed " + seed + ", crash at operation " + crashAt;
        if (returned) {
          assertEquals(20, latest.index(), where + ": a save that returned is durable");
        }
        assertArrayEquals(state(latest.index() == 10 ? 1 : 2), latest.state(), where);
        assertTrue(sim.list().stream().noneMatch(n -> n.endsWith(".tmp")), where + ": " + sim.list());
        if (disk.crashPending()) {
          break;
        }
      }
    }
  }
}
