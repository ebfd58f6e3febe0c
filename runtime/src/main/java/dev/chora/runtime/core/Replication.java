package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.BEFORE_FIRST_ROUND;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.RoundMessage;

/**
 * Replication in a view (DESIGN §3, §5): storing the slots of round messages, this replica's
 * cumulative acknowledgements, merging peers' acknowledgements, the commit rule, handing committed
 * rounds to the executor in order, and truncating the log below what is executed and snapshotted.
 *
 * <p>Invariants, asserted where they change:
 * <ul>
 *   <li>the commit index never falls, nor does the executed round;
 *   <li>executed round &lt;= commit index: nothing is executed before it is committed;
 *   <li>a round is executed only when verified and every proposer's slot is held (except under the
 *       SKIP_MISSING_SLOTS mutation), each slot once;
 *   <li>acknowledgements only grow within a view (asserted in {@link AckMatrix}); this replica's
 *       own row covers only slots it holds or rounds it has executed.
 * </ul>
 */
final class Replication {
  private final CoreContext c;
  private long commitIndex = BEFORE_FIRST_ROUND;
  /** The highest round committed by acknowledgements in the current view (round-barrier reads). */
  private long committedInView = BEFORE_FIRST_ROUND;
  private long executedRound = BEFORE_FIRST_ROUND;
  /** The highest round known to hold a request: work that keeps rounds at full pace until executed. */
  private long lastRoundWithRequests = BEFORE_FIRST_ROUND;

  Replication(CoreContext c) {
    this.c = c;
  }

  /** Acknowledgements a slot needs to commit: f+1 (f under the COMMIT_WITH_F_ACKS mutation). */
  static int commitQuorum(int quorum, CoreMutation mutation) {
    return mutation == CoreMutation.COMMIT_WITH_F_ACKS ? quorum - 1 : quorum;
  }

  long commitIndex() { return commitIndex; }
  long executedRound() { return executedRound; }
  long lastRoundWithRequests() { return lastRoundWithRequests; }

  void onRound(RoundMessage m) {
    if (m.round() < c.views.firstRound() || m.batch() == null || !validAckVector(m.ackVector(), m.round())
        || !c.isActive(m.from())) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    if (m.batch().sizeBytes() > c.config.maxBatchBytes() || m.batch().size() > c.config.maxBatchRequests()) {
      c.drop(DropReason.OVERSIZED, m);
      return;
    }
    heardInView(m.from(), m.executedRound());
    c.acks.merge(m.from(), m.ackVector());
    c.members[m.from()].seen(m.round());
    c.roundTimer.arrived(m.round(), c.now);
    boolean atMaxLogBytes = !c.isActive(c.self) && c.log.heldBytes() >= c.config.maxLogBytes();
    if (m.round() >= c.log.limit() || atMaxLogBytes) {
      // Beyond the window: the slot is fetched later, but the acks still tell how far the group
      // has committed, which is what sends a lagging replica to catch up by state transfer. A
      // replica outside the active set whose log holds max-log-bytes is in the same place: the
      // group runs on without it, so only the bytes bound its log. An active replica needs no
      // such rule: it proposes no round past the bound, and its peers cannot complete a round
      // without its slot, so they run at most max-rounds-in-flight rounds ahead of it.
      if (atMaxLogBytes) {
        c.stats.slotsDroppedAtMaxLogBytes++;
      }
      c.drop(DropReason.OUT_OF_WINDOW, m);
      return;
    }
    storeSlot(m.round(), m.from(), m.batch());
  }

  void onAck(AckMessage m) {
    if (m.currentRound() < c.views.firstRound() - 1 || !validAckVector(m.ackVector(), m.currentRound())) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    heardInView(m.from(), m.executedRound());
    c.acks.merge(m.from(), m.ackVector());
    c.members[m.from()].seen(m.currentRound());
  }

  private void heardInView(int from, long executed) {
    c.views.adoptedBy(from);
    c.members[from].peerExecutedRound = Math.max(0, executed);
  }

  private boolean validAckVector(long[] vector, long senderRound) {
    if (vector == null || vector.length != c.replicas) {
      return false;
    }
    long ceiling = senderRound + c.log.capacity();
    for (long v : vector) {
      if (v < 0 || v > ceiling) {
        return false;
      }
    }
    return true;
  }

  /** Stores a current-view slot if new and advances this replica's own cumulative ack. */
  boolean storeSlot(long round, int proposer, Batch batch) {
    if (round < c.views.firstRound() || !c.log.store(round, proposer, c.views.activeSet(), c.views.view(), batch)) {
      return false;
    }
    if (!batch.isEmpty()) {
      lastRoundWithRequests = Math.max(lastRoundWithRequests, round);
      if (proposer != c.self && c.config.proposers() == ProposerPolicy.LEADER) {
        c.clients.proposedElsewhere(batch); // requests forwarded from here, now in the leader's slot
      }
    }
    advanceOwnAck(proposer);
    return true;
  }

  /**
   * This replica's cumulative ack for a proposer: every round it has executed counts as held (its
   * effect is in the state, and the slot may have been truncated since), then every held slot
   * after that — in durable mode only as far as storage has persisted them (see {@link Durability}).
   */
  private void advanceOwnAck(int proposer) {
    long ack = Math.max(c.acks.get(c.self, proposer), Math.max(executedRound, c.views.firstRound() - 1));
    while (c.log.has(ack + 1, proposer) && c.durability.isDurable(c.log.seq(ack + 1, proposer))) {
      ack++;
    }
    c.acks.set(c.self, proposer, ack);
  }

  void advanceOwnAcks() {
    for (int j = 0; j < c.replicas; j++) {
      if (c.isActive(j)) {
        advanceOwnAck(j);
      }
    }
  }

  /** Applies the commit rule, hands committed rounds to the executor, frees what is snapshotted. */
  void commitAndExecute() {
    if (c.status() == Status.NORMAL) {
      commit();
    }
    boolean progressed = false;
    while (executedRound < commitIndex) {
      long r = executedRound + 1;
      if (!c.log.verified(r)) {
        break; // content kept from an earlier view: confirmed by state transfer first
      }
      if (!c.log.complete(r)) {
        int proposers = c.log.proposers(r);
        if (c.mutation != CoreMutation.SKIP_MISSING_SLOTS || proposers == 0) {
          break; // a committed slot we lack: fetched, never guessed
        }
      }
      int proposers = c.log.proposers(r);
      for (int j = 0; j < c.replicas; j++) {
        if ((proposers & (1 << j)) == 0) {
          continue;
        }
        Batch b = c.log.get(r, j);
        if (b == null) {
          b = Batch.EMPTY; // reachable only under the SKIP_MISSING_SLOTS mutation
        }
        if (j == c.self || c.config.proposers() == ProposerPolicy.LEADER) {
          c.clients.executed(b); // under leader, requests forwarded from here are in the leader's slots
        }
        c.snapshots.applied(b);
        c.out.execute(r, j, b);
      }
      executedRound = r;
      progressed = true;
      c.out.executedThrough(r);
      c.reads.serveUpTo(Math.min(executedRound, committedInView));
      c.snapshots.executed(r);
    }
    assert executedRound <= commitIndex : "executed " + executedRound + " past the commit index " + commitIndex;
    if (progressed) {
      c.transfer.executed();
      advanceOwnAcks();
    }
    truncate();
  }

  /**
   * The commit rule (DESIGN §5): a round of this view is committed once, for every active
   * proposer, f+1 replicas hold its slots through that round — and only once f+1 replicas have
   * adopted the view, so that the rounds its StartView decided are in a quorum's state too.
   */
  private void commit() {
    long committed = commitIndex;
    boolean decidedCommitted = Integer.bitCount(c.views.adopted()) >= c.quorum
        || c.mutation == CoreMutation.COMMIT_DECIDED_BEFORE_QUORUM;
    if (decidedCommitted) {
      committed = Math.max(committed, c.views.firstRound() - 1);
      long viaAcks = Long.MAX_VALUE;
      for (int j = 0; j < c.replicas; j++) {
        if (c.isActive(j)) {
          viaAcks = Math.min(viaAcks, c.acks.committedThrough(j));
        }
      }
      if (viaAcks >= c.views.firstRound()) {
        committed = Math.max(committed, viaAcks);
        committedInView = Math.max(committedInView, viaAcks);
      }
    }
    if (committed > commitIndex) {
      commitIndex = committed;
      c.out.committed(commitIndex);
    }
  }

  /** Committed by other means than acknowledgements here: a StartView or a state transfer. */
  void committedThrough(long round) {
    commitIndex = Math.max(commitIndex, round);
  }

  /** A new view decided every round through {@code decidedThrough}, committed through {@code executedThrough}. */
  void startView(long decidedThrough, long executedThrough) {
    committedThrough(executedThrough);
    committedInView = decidedThrough;
    lastRoundWithRequests = Math.max(lastRoundWithRequests, decidedThrough);
  }

  /** A snapshot of the state after {@code round} replaced the executor's state. */
  void executedBySnapshot(long round) {
    assert round > executedRound : "a snapshot install moves execution back: " + executedRound + " -> " + round;
    executedRound = round;
    committedThrough(round);
  }

  /** A restart from disk: the loaded snapshot is the state after {@code snapshotRound}, committed there. */
  void restore(long snapshotRound) {
    executedRound = snapshotRound;
    commitIndex = snapshotRound;
  }

  void truncate() {
    long through = Math.min(executedRound, c.snapshots.round);
    if (through >= c.log.base()) {
      c.log.truncateThrough(through);
    }
  }
}
