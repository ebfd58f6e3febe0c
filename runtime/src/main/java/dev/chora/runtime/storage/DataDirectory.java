package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One replica's data directory, opened in the order a restart needs: the lock first (so a second
 * process fails before it reads or deletes anything), then the metadata and snapshot stores, then,
 * once the owner has restored the latest snapshot, the log, whose records it replays above it.
 *
 * <p>{@link #firstStart()} tells a first start (nothing stored: a fresh replica, guarded as today)
 * from a restart (replay what is there, then fetch only what was missed).
 */
public final class DataDirectory implements Closeable {
  private final Disk disk;
  private final Closeable lock;
  private final MetadataStore metadata;
  private final SnapshotStore snapshots;
  private final boolean firstStart;
  private SegmentedLog log;

  private DataDirectory(Disk disk, Closeable lock, MetadataStore metadata, SnapshotStore snapshots, boolean firstStart) {
    this.disk = disk;
    this.lock = lock;
    this.metadata = metadata;
    this.snapshots = snapshots;
    this.firstStart = firstStart;
  }

  /**
   * Locks the directory and opens the metadata and snapshot stores; the lock is released again if
   * either fails (a damaged file, an unwritable directory).
   */
  public static DataDirectory open(Disk disk, int maxMetadataBytes, boolean keepPreviousSnapshot, long maxSnapshotBytes)
      throws IOException {
    Closeable lock = disk.lock();
    try {
      boolean empty = true;
      for (String name : disk.list()) {
        if (SegmentHeader.parseFileName(name) >= 0 || name.equals(MetadataStore.FILE)) {
          empty = false;
        }
      }
      MetadataStore metadata = MetadataStore.open(disk, maxMetadataBytes);
      SnapshotStore snapshots = SnapshotStore.open(disk, keepPreviousSnapshot, maxSnapshotBytes);
      return new DataDirectory(disk, lock, metadata, snapshots, empty && snapshots.indexes().isEmpty());
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Whether the directory held no log, metadata or snapshot when it was opened. */
  public boolean firstStart() {
    return firstStart;
  }

  public MetadataStore metadata() {
    return metadata;
  }

  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** Opens the log (once), replaying its records to {@code visitor}; see {@link SegmentedLog#open}. */
  public SegmentedLog openLog(LogOptions options, Consumer<LogRecord> visitor) throws IOException {
    if (log != null) {
      throw new IllegalStateException("the log in " + disk.location() + " is already open");
    }
    log = SegmentedLog.open(disk, options, visitor);
    return log;
  }

  /** Closes the log (syncing it unless it failed) and releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      if (log != null) {
        log.close();
      }
    } finally {
      lock.close();
    }
  }
}
