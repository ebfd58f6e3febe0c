package dev.chora.actors.storage;

import dev.chora.runtime.core.Restored;
import java.nio.file.Path;

/**
 * A durable replica's data directory, locked and read: the storage the writer will own, and what
 * a restart found there.
 *
 * @param dataDir         the directory, for log lines and status
 * @param storage         open for appends, snapshots and syncs
 * @param restored        what the directory held (snapshot, view record, rounds), or null on a
 *                        first start (an empty directory)
 * @param writeQueueBytes chora.storage.write-queue-bytes: the writer's bound
 */
public record OpenedStore(Path dataDir, ReplicaStorage storage, Restored restored, long writeQueueBytes) {
  /** Whether the directory was empty: the replica starts as a fresh one (guarded by the first-start check). */
  public boolean firstStart() {
    return restored == null;
  }
}
