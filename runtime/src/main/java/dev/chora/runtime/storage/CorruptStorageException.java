package dev.chora.runtime.storage;

import java.io.IOException;

/**
 * Data on disk failed a check (a checksum, a header, the order of indexes) where it cannot be a
 * torn write left by a crash. It is never skipped: skipping a record a replica once acknowledged
 * could lose a committed write, so the replica refuses to start and an operator (or, later,
 * repair from peers) must act. The message names the file, the byte offset and, when known, the
 * index of the last good record before it, so that the damage can be found with a hex dump.
 */
public final class CorruptStorageException extends IOException {
  private static final long serialVersionUID = 1L;

  /** No index is known (a file header, a metadata or snapshot file). */
  public static final long NO_INDEX = -1;

  private final String file;
  private final long offset;
  private final long index;

  /**
   * @param index the index of the last good record before the damage, {@link #NO_INDEX} if none
   */
  public CorruptStorageException(String location, String file, long offset, long index, String detail) {
    super("corrupt data in " + location + "/" + file + " at offset " + offset
        + (index == NO_INDEX ? "" : " (after index " + index + ")") + ": " + detail);
    this.file = file;
    this.offset = offset;
    this.index = index;
  }

  public String file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** The index of the last good record before the damage, or {@link #NO_INDEX}. */
  public long index() {
    return index;
  }
}
