package dev.chora.actors.replica;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.metrics.CommitLatency;
import dev.chora.actors.storage.ReplicaStorage;
import dev.chora.actors.storage.StorageWriter;
import dev.chora.runtime.core.CoreStats;
import dev.chora.runtime.core.ReplicaCore;

/** Reads a running replica's {@link ReplicaStatus} off its core and the figures the actor keeps beside it. */
final class StatusReport {
  private StatusReport() {}

  /**
   * @param requestsExecuted requests the executor has applied (it runs on a thread of its own)
   * @param commitLatency    the replica's recent commit latencies
   * @param refused          the messages the actor refused for their senders
   * @param nowNanos         the sample's time, {@code System.nanoTime()}
   * @param storage          the storage figures ({@link ReplicaStatus.Storage#MEMORY} in memory mode)
   */
  static ReplicaStatus of(ReplicaCore core, long requestsExecuted, CommitLatency commitLatency,
      ReplicaStatus.Refused refused, long nowNanos, ReplicaStatus.Storage storage) {
    CoreStats stats = core.stats();
    return new ReplicaStatus(core.self(),
        new ReplicaStatus.View(state(core.status()), core.view(), core.activeSet()),
        new ReplicaStatus.Progress(core.currentRound(), core.commitIndex(), core.executedRound(),
            stats.stateRequestsSent()),
        new ReplicaStatus.Rounds(stats.roundsEntered(), stats.roundsTimedOut(), stats.violations(),
            core.roundTimeoutNanos() / 1e6, commitLatency.quantileMillis(0.5), commitLatency.quantileMillis(0.99)),
        new ReplicaStatus.Requests(stats.requestsProposed(), requestsExecuted, core.queuedRequests(),
            stats.requestsTimed(), stats.requestWaitNanos(), stats.requestReplicationNanos()),
        new ReplicaStatus.ViewChanges(stats.viewChangesStarted(), stats.suspicions(), stats.viewChangeTimeouts(),
            stats.viewChangeMessagesInParts(), stats.outsiderViewChangesAnswered(), stats.viewsFallenBackTo()),
        refused, core.isWarmingUp(), nowNanos, storage);
  }

  /** A durable replica's storage figures: the core's entry numbers, the writer's syncs and failure. */
  static ReplicaStatus.Storage storage(ReplicaCore core, StorageWriter writer, java.nio.file.Path dataDir) {
    ReplicaStorage.SyncFigures f = writer.figures();
    String failure = writer.failure();
    return new ReplicaStatus.Storage(true, dataDir.toString(), core.emittedSeq(), core.persistedSeq(), f.syncs(),
        f.syncP50Nanos() / 1e6, f.syncP99Nanos() / 1e6, f.bytesWritten(), failure == null ? "" : failure);
  }

  private static ReplicaStatus.State state(ReplicaCore.Status status) {
    return switch (status) {
      case NORMAL -> ReplicaStatus.State.NORMAL;
      case VIEW_CHANGE -> ReplicaStatus.State.VIEW_CHANGE;
      case RECOVERING -> ReplicaStatus.State.RECOVERING;
    };
  }
}
