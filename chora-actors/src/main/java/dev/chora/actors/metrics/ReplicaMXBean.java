package dev.chora.actors.metrics;

/**
 * A replica's figures over JMX, as object name {@code dev.chora:type=Replica,address=...,id=N}.
 * Counters only grow; rates come from two readings. Refreshed at most every 100 ms while the
 * replica runs (its idle rounds refresh it too).
 */
public interface ReplicaMXBean {
  int getReplicaId();
  String getStatus();
  long getView();
  /** Bit i set when replica i is in the active set. */
  int getActiveSet();
  long getCurrentRound();
  long getCommitIndex();
  long getExecutedRound();
  long getRoundsEntered();
  long getViolations();
  long getViewChanges();
  long getRequestsProposed();
  long getRequestsExecuted();
  int getQueuedRequests();
  double getCommitLatencyP50Ms();
  double getCommitLatencyP99Ms();
  /** The round timeout in use, adapted to peers' lags (DESIGN §4). */
  double getRoundTimeoutMs();
  long getRoundsTimedOut();
  /** View changes this replica started because a member stayed silent. */
  long getSuspicions();
  long getStateRequests();
  /** View changes that timed out and moved on to a later view. */
  long getViewChangeTimeouts();
  /** DoViewChange and StartView messages sent in several parts (more than max-transfer-bytes of rounds). */
  long getViewChangeMessagesInParts();
  /** StartViewChange messages from outside the active set answered with this view instead of joined. */
  long getOutsiderViewChangesAnswered();
  /** Views adopted below the one this replica was changing to (the group had answered it with its view). */
  long getViewsFallenBackTo();
  /** Within protocol.warm-up of the replica's start: suspicion thresholds warm-up-suspicion-factor times longer. */
  boolean isWarmingUp();
  /** Peer messages (and peer-link grants) dropped because they did not come from the replica they name. */
  long getForgedPeerMessages();
  /** Client batches and queries dropped because their reply address is not a cluster member's. */
  long getMessagesFromNonMembers();
  /** "durable" (log on disk, chora.storage.mode) or "memory". */
  String getStorageMode();
  /** Durable mode: the highest log entry number on disk; nothing above it is acknowledged. */
  long getPersistedEntries();
  /** Durable mode: log entries asked to be persisted (numbered across restarts). */
  long getEmittedEntries();
  /** Durable mode: syncs of the log (group commits). */
  long getStorageSyncs();
  double getStorageSyncP50Ms();
  double getStorageSyncP99Ms();
  long getStorageBytesWritten();
  /** Why the replica stopped acknowledging (a full or unwritable disk), or "" while its disk takes writes. */
  String getStorageFailure();
}
