package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.IOException;

/**
 * An open file of a {@link Disk}. Writes only ever append or cut the end: the log and the stores
 * never overwrite bytes in place, which is what makes a crash's damage a torn suffix rather than
 * a mix of old and new bytes.
 */
public interface DiskFile extends Closeable {
  String name();

  /** The current length, including bytes written but not yet forced. */
  long size() throws IOException;

  /** Appends {@code len} bytes at the end; on failure a prefix of them may have been written. */
  void append(byte[] src, int off, int len) throws IOException;

  /** Reads exactly {@code len} bytes at {@code position}; fails if the file is shorter. */
  void read(long position, byte[] dst, int off, int len) throws IOException;

  /** Makes every byte written so far (and the file's length) durable. */
  void force() throws IOException;

  /** Cuts the file to {@code size} bytes (not durable until {@link #force()}). */
  void truncate(long size) throws IOException;
}
