package dev.chora.runtime.storage;

/**
 * A {@link ReplicaStore}'s counters since it was opened, for metrics and status pages. Sync
 * latencies are wall-clock (the store's clock around the log's sync call); the percentiles are over
 * the last {@value ReplicaStore#LATENCY_WINDOW} syncs, 0 before the first.
 *
 * @param entriesAppended log entries given to {@link ReplicaStore#append}
 * @param bytesWritten    bytes written to log segments (headers and frames)
 * @param syncs           syncs that wrote something ({@link ReplicaStore#sync} calls with nothing new do not count)
 * @param durableSeq      the highest entry number on disk
 * @param lastSyncNanos   the last sync's duration
 * @param syncP50Nanos    median sync duration over the window
 * @param syncP99Nanos    99th percentile sync duration over the window
 * @param maxSyncNanos    the longest sync since opening
 * @param segments        log segment files now
 * @param segmentsDeleted log segments deleted below snapshots
 * @param snapshotsSaved  snapshots saved since opening
 * @param snapshotRound   the latest snapshot's round, 0 if none
 */
public record StoreStats(long entriesAppended, long bytesWritten, long syncs, long durableSeq, long lastSyncNanos,
    long syncP50Nanos, long syncP99Nanos, long maxSyncNanos, int segments, long segmentsDeleted, long snapshotsSaved,
    long snapshotRound) {}
