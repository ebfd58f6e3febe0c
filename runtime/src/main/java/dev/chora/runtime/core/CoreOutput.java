package dev.chora.runtime.core;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;

/**
 * Everything a {@link ReplicaCore} asks of the world, called synchronously while it handles an
 * input, in the order it must take effect. Implementations must not call back into the core.
 *
 * <p>The core never executes anything itself: committed batches and ready reads go out here, in
 * log order, to an executor (see {@code dev.chora.runtime.exec.Executor}) that owns the state
 * machine — in the Pekko runtime that is a separate actor.
 */
public interface CoreOutput {
  /** Send {@code message} to replica {@code to}; it may be lost, delayed or duplicated. */
  void send(int to, PeerMessage message);

  /** Slot (round, proposer) is committed and every earlier slot has been handed out already. */
  void execute(long round, int proposer, Batch batch);

  /** Every round up to the read's barrier has been handed to {@link #execute}: answer it now. */
  void serveRead(ReadRequest read);

  /** A reply the core gives itself: a refusal (overload, too large, not active). */
  void reply(ClientReply reply);

  /**
   * Every round up to {@code round} has been handed to {@link #execute}: snapshot the executor's
   * state as it is after that round and hand it to {@link ReplicaCore#snapshotTaken} (later is
   * fine; the state must be the one after {@code round}), with its digest (see
   * {@code Executor.digest}) for divergence detection. The log below the snapshot is truncated
   * only then.
   *
   * <p>Durable mode: save the snapshot to disk before handing it to the core. The core frees its
   * log below a snapshot only once it has it, so what a restart finds on disk above the saved
   * snapshot always fits the log window.
   */
  void takeSnapshot(long round);

  /**
   * Replace the executor's whole state with {@code snapshot}, the state after executing
   * {@code round}, received by state transfer. Executions that follow continue from it. Durable
   * mode: save it too (a restart otherwise starts from an older snapshot and catches up again).
   */
  void installSnapshot(long round, byte[] snapshot);

  /** Every slot of {@code round} has been handed to {@link #execute} (not called for snapshot installs). */
  default void executedThrough(long round) {}

  /**
   * The replica moved to {@code view} with this status (VIEW_CHANGE or NORMAL) and active set.
   * Only a NORMAL call pairs a view with its own active set: on VIEW_CHANGE the view is the one
   * being moved to, while {@code activeSet} is still the last installed view's (the new view's set
   * is not known until its StartView), so whoever publishes the pair must wait for NORMAL.
   */
  default void viewChanged(long view, ReplicaCore.Status status, int activeSet) {}

  /** This replica entered {@code round} at {@code nowNanos} and proposed its batch. */
  default void roundEntered(long round, long nowNanos) {}

  /** Round {@code round} timed out without a message from {@code replica}. */
  default void synchronyViolation(long round, int replica) {}

  /** Every round up to {@code commitIndex} is committed. */
  default void committed(long commitIndex) {}

  /**
   * State digests differed at a checkpoint round (see {@link DivergenceReport}). With verdict
   * DIVERGED this replica's state is not the group's: the core takes no further input, and the
   * caller must stop it, loudly, and serve nothing more from its state.
   */
  default void divergence(DivergenceReport report) {}

  /**
   * Durable mode only ({@code ChoraConfig.durable()}): append {@code entry} to storage. Entries are
   * numbered 1, 2, 3… in the order of these calls (continuing from {@link Restored#nextSeq} after a
   * restart); they need not be on disk when this returns. Storage syncs when it likes — one sync for
   * every entry appended so far is the point (group commit) — and then tells the core the highest
   * number on disk with {@link ReplicaCore#persisted}. Until it does, the core neither acknowledges
   * the slots nor sends the view-change messages that depend on them; an implementation that never
   * reports stalls the replica (safely).
   */
  default void persist(LogEntry entry) {
    throw new UnsupportedOperationException("a durable core needs an output that persists its log entries");
  }

  /** An invalid message was dropped; logged by the caller at a rate-limited level. */
  default void dropped(DropReason reason, PeerMessage message) {}
}
