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
  /** No byte offset is known (damage found inside a decoded record or value). */
  public static final long NO_OFFSET = -1;

  private final String file;
  private final long offset;
  private final long index;

  /**
   * Damage found inside a record or value whose bytes passed their checksum (a format this version
   * cannot read, a wrong length): {@code where} names the file and record; no offset is known.
   */
  public CorruptStorageException(String where, String detail) {
    super("corrupt data in " + where + ": " + detail);
    this.file = where;
    this.offset = NO_OFFSET;
    this.index = NO_INDEX;
  }

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

  /** The file; for damage found inside a decoded record or value, where it was found. */
  public String file() {
    return file;
  }

  /** The byte offset in {@link #file()}, or {@link #NO_OFFSET}. */
  public long offset() {
    return offset;
  }

  /** The index of the last good record before the damage, or {@link #NO_INDEX}. */
  public long index() {
    return index;
  }
}
