package dev.chora.actors.storage;

import dev.chora.runtime.core.LogEntry;
import java.io.Closeable;
import java.io.IOException;

/**
 * What the {@link StorageWriter} needs of a replica's data directory, once it is open and
 * restored: append numbered log entries, sync them (group commit), save snapshots. Used from the
 * writer's thread only. A seam so the writer's loop can be tested with a disk that fails on cue.
 */
public interface ReplicaStorage extends Closeable {

  /** Buffers entry {@code seq}; it need not be on disk when this returns. */
  void append(long seq, LogEntry entry) throws IOException;

  /** Makes everything appended so far durable; returns the highest entry number on disk. */
  long sync() throws IOException;

  /** Saves the executor's state after {@code round} durably (returns once it is on disk). */
  void saveSnapshot(long round, byte[] state) throws IOException;

  /** The syncs so far (read on the writer's thread after each one). */
  SyncFigures figures();

  /**
   * @param syncs         syncs that wrote something
   * @param syncP50Nanos  median sync duration over recent syncs, 0 before the first
   * @param syncP99Nanos  99th percentile of the same
   * @param bytesWritten  bytes written to the log
   */
  record SyncFigures(long syncs, long syncP50Nanos, long syncP99Nanos, long bytesWritten) {
    public static final SyncFigures NONE = new SyncFigures(0, 0, 0, 0);
  }
}
