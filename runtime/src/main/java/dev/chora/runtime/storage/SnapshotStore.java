package dev.chora.runtime.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Snapshots on disk, one file each, {@code snapshot-<index in 20 digits>.snap}, in the {@link
 * ChecksummedFile} format (written to a temporary file, synced, renamed, directory synced): a
 * snapshot file, once it has its name, is whole.
 *
 * <p>The store keeps the latest snapshot, and the one before it if asked to (a fallback for an
 * operator if the latest is found damaged; the log below the latest is gone, so the replica itself
 * cannot use it). Older files are deleted after a save without a directory sync: one that comes
 * back after a crash is older than the latest, never loaded, and deleted by the next save.
 *
 * <p>Order with the log: save the snapshot (durable on return), then {@link
 * SegmentedLog#truncatePrefix} below it; a crash between the two only leaves log records the
 * snapshot already covers.
 */
public final class SnapshotStore {
  private static final int MAGIC = 0x4348_534E;
  private static final String PREFIX = "snapshot-";
  private static final String SUFFIX = ".snap";

  private final Disk disk;
  private final boolean keepPrevious;
  private final long maxBytes;

  private SnapshotStore(Disk disk, boolean keepPrevious, long maxBytes) {
    this.disk = disk;
    this.keepPrevious = keepPrevious;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens the store and deletes temporary files a crash left.
   *
   * @param keepPrevious keep the snapshot before the latest too
   * @param maxBytes     the largest snapshot accepted, on save and on load
   */
  public static SnapshotStore open(Disk disk, boolean keepPrevious, long maxBytes) throws IOException {
    SnapshotStore store = new SnapshotStore(disk, keepPrevious, maxBytes);
    for (String name : disk.list()) {
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX + ChecksummedFile.TEMP_SUFFIX)) {
        disk.delete(name);
      }
    }
    return store;
  }

  /** Stores a snapshot, durably before returning, and deletes those no longer kept. */
  public void save(long index, byte[] state) throws IOException {
    if (state.length > maxBytes) {
      throw new IllegalArgumentException("snapshot of " + state.length + " bytes exceeds the bound of " + maxBytes);
    }
    List<Long> stored = indexes();
    if (!stored.isEmpty() && index <= stored.get(stored.size() - 1)) {
      throw new IllegalArgumentException("snapshot index " + index + " is not above the latest stored, " + stored.get(stored.size() - 1));
    }
    ChecksummedFile.write(disk, fileName(index), MAGIC, index, state);
    int keep = keepPrevious ? 1 : 0;
    for (int i = 0; i < stored.size() - keep; i++) {
      disk.delete(fileName(stored.get(i)));
    }
  }

  /** The latest snapshot, verified; empty if none is stored. */
  public Optional<Snapshot> loadLatest() throws IOException {
    List<Long> stored = indexes();
    return stored.isEmpty() ? Optional.empty() : Optional.of(load(stored.get(stored.size() - 1)));
  }

  /** The snapshot at {@code index}, verified ({@link CorruptStorageException} if damaged). */
  public Snapshot load(long index) throws IOException {
    String name = fileName(index);
    ChecksummedFile.Contents contents = ChecksummedFile.read(disk, name, MAGIC, maxBytes);
    if (contents.number() != index) {
      throw new CorruptStorageException(disk.location(), name, 8, CorruptStorageException.NO_INDEX,
          "holds the snapshot at index " + contents.number());
    }
    return new Snapshot(index, contents.payload());
  }

  /** The indexes of the stored snapshots, ascending. */
  public List<Long> indexes() throws IOException {
    List<Long> indexes = new ArrayList<>();
    for (String name : disk.list()) {
      long index = IndexedFileName.parse(name, PREFIX, SUFFIX);
      if (index >= 0) {
        indexes.add(index);
      }
    }
    indexes.sort(null);
    return indexes;
  }

  private static String fileName(long index) {
    return IndexedFileName.of(PREFIX, index, SUFFIX);
  }
}
