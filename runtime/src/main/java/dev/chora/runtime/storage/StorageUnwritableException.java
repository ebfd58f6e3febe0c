package dev.chora.runtime.storage;

import java.io.IOException;

/**
 * The data directory cannot take more writes: the disk is full, the directory or file system is
 * read-only, or a sync failed. A replica that gets this must stop acknowledging (it never
 * acknowledges what it did not persist) and report {@link #stoppedAcknowledging()}.
 *
 * <p>Both disks ({@link FileDisk}, {@link SimDisk}) raise this one type, so the replica's reaction
 * is the same in the simulator as in production.
 */
public final class StorageUnwritableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why writes stopped. */
  public enum Kind {
    /** No space left (or quota exceeded): writes may work again once space is freed. */
    DISK_FULL,
    /** The directory or its file system does not allow writing. */
    NOT_WRITABLE,
    /**
     * A sync failed. After a failed fsync the kernel may have dropped the dirty pages it could not
     * write and marked them clean, so retrying the sync can report success for data that is not on
     * disk; the only safe continuation is to reopen the log and replay what is really there.
     */
    SYNC_FAILED
  }

  private final Kind kind;
  private final String location;

  public StorageUnwritableException(Kind kind, String location, String detail, Throwable cause) {
    super(describe(kind) + " at " + location + (detail.isEmpty() ? "" : " (" + detail + ")"), cause);
    this.kind = kind;
    this.location = location;
  }

  public Kind kind() {
    return kind;
  }

  /** The data directory (or simulated disk) that failed. */
  public String location() {
    return location;
  }

  /** The line a replica reports when it stops acknowledging because of this failure. */
  public String stoppedAcknowledging() {
    return "stopped acknowledging: " + getMessage();
  }

  private static String describe(Kind kind) {
    switch (kind) {
      case DISK_FULL:
        return "disk full";
      case NOT_WRITABLE:
        return "data directory not writable";
      default:
        return "sync failed";
    }
  }
}
