package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * One flat directory of files: exactly the operations the log, the metadata store and the
 * snapshot store need, so that they run unchanged over a real directory ({@link FileDisk}) and over
 * the deterministic simulator's disk ({@link SimDisk}).
 *
 * <p>The durability contract both implementations follow, and the stores rely on:
 * <ul>
 *   <li>Data written to a file is durable only after {@link DiskFile#force()} on it; a crash keeps
 *       what was forced and at most a prefix of what was written after (a torn write).</li>
 *   <li>A file's existence and name ({@link #create}, {@link #rename}, {@link #delete}) are durable
 *       only after {@link #syncDirectory()}; a crash before it may undo the latest of those
 *       operations (those before a given one survive if it does, as with an ordered journal).</li>
 *   <li>{@link #rename} replaces its target atomically: after a crash the target names either the
 *       old file or the new one, whole.</li>
 * </ul>
 * Failures to write for lack of space or permission are {@link StorageUnwritableException}s.
 * Implementations are not thread-safe: one owner (the replica's storage role) uses a disk.
 */
public interface Disk {
  /** Where this disk is, for messages: the directory's path, or the simulated disk's name. */
  String location();

  /** The names of the files in the directory, sorted. */
  List<String> list() throws IOException;

  boolean exists(String name) throws IOException;

  /** Creates a new empty file; fails if one of that name exists. */
  DiskFile create(String name) throws IOException;

  /** Opens an existing file for reading and appending. */
  DiskFile open(String name) throws IOException;

  /** Renames {@code from} to {@code to}, atomically replacing {@code to} if it exists. */
  void rename(String from, String to) throws IOException;

  /** Deletes the file if it exists; returns whether it did. */
  boolean delete(String name) throws IOException;

  /** Makes the directory's entries (creations, renames, deletions so far) durable. */
  void syncDirectory() throws IOException;

  /**
   * Takes the directory's exclusive lock, held until the returned handle is closed (or the process
   * dies). Throws {@link DataDirectoryLockedException} at once if someone else holds it.
   */
  Closeable lock() throws IOException;
}
