package dev.chora.runtime.storage;

/**
 * The bounds of a {@link ReplicaStore}: the log's (segment size, largest record, write buffer), the
 * largest metadata value and the largest snapshot, each refused on write and on read so that a
 * damaged length never makes a restart allocate more than this.
 *
 * @param log                  the write-ahead log's bounds
 * @param maxMetadataBytes     the largest view-state value (a few dozen bytes are used)
 * @param keepPreviousSnapshot keep the snapshot before the latest too (an operator's fallback)
 * @param maxSnapshotBytes     the largest snapshot saved or loaded
 */
public record ReplicaStoreOptions(LogOptions log, int maxMetadataBytes, boolean keepPreviousSnapshot, long maxSnapshotBytes) {
  /** The log's defaults, 4 KiB of metadata, the previous snapshot kept, snapshots up to 1 GiB. */
  public static final ReplicaStoreOptions DEFAULTS = new ReplicaStoreOptions(LogOptions.DEFAULTS, 4096, true, 1L << 30);

  public ReplicaStoreOptions {
    if (log == null) {
      throw new IllegalArgumentException("the log options are missing");
    }
    if (maxMetadataBytes < LogEntryCodec.VIEW_STATE_BYTES) {
      throw new IllegalArgumentException("max-metadata-bytes " + maxMetadataBytes + " cannot hold the view state ("
          + LogEntryCodec.VIEW_STATE_BYTES + " bytes)");
    }
    if (maxSnapshotBytes < 0 || maxSnapshotBytes > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("max-snapshot-bytes " + maxSnapshotBytes + " must be between 0 and "
          + (Integer.MAX_VALUE - 64) + " (a snapshot is one byte array)");
    }
  }
}
