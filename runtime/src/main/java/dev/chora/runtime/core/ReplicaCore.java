package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NEVER;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.RecoveryResponse;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import dev.chora.runtime.message.ViewRequest;

/**
 * One Chora replica's protocol logic (DESIGN §3–§8): a pure, deterministic, single-threaded state
 * machine. Inputs are {@link #submit client requests}, {@link #read reads}, {@link #receive peer
 * messages}, {@link #tick ticks}, reachability news from the failure detector and
 * {@link #snapshotTaken snapshots}, each carrying the caller's current time in nanoseconds; outputs
 * go to a {@link CoreOutput} synchronously, in order. It owns no thread, clock, socket or lock; the
 * caller asks {@link #nextDeadlineNanos()} when to tick next.
 *
 * <p>This class is the facade: it takes the inputs, dispatches messages to the part that owns
 * them, and is the one place with control flow between the parts ({@link #progress}). The parts,
 * one sub-protocol each, share a {@link CoreContext}: {@link ViewState}, {@link MemberProgress},
 * {@link ClientRequests}, {@link ReadBarrier}, {@link Replication}, {@link Snapshots},
 * {@link Synchronizer}, {@link Suspicion}, {@link SlotRepair}, {@link ViewChange},
 * {@link ViewAdoption}, {@link CatchUp} (state transfer), {@link RecoveryProtocol},
 * {@link DivergenceCheck} and {@link Diagnostics}. docs/protocol.md maps the protocol's rules onto
 * them.
 *
 * <p>A replica whose state diverged from a quorum's ({@link #divergence()}) takes no further
 * input: every input method returns at once, so it neither votes, proposes, executes nor serves.
 *
 * <p>Safety does not rest on time anywhere in the core: time only decides when a round is
 * entered, when a member is suspected, when a view change gives up on its coordinator and when a
 * lost message is asked for again. docs/protocol.md gives the safety argument.
 */
public final class ReplicaCore {
  /** Where a replica stands (DESIGN §6, §7). */
  public enum Status {
    /** Proposing (if active) and acknowledging in {@link #view()}. */
    NORMAL,
    /** Moving to {@link #view()}: neither proposing nor acknowledging. */
    VIEW_CHANGE,
    /** Restarted with its state lost: silent until it has adopted a view newer than any it could have voted in. */
    RECOVERING
  }

  private final CoreContext c;

  /** A replica of a new group: every replica starts in view 0, all active. */
  public ReplicaCore(ChoraConfig config, int self, CoreOutput out) {
    this(config, self, out, false, 0, CoreMutation.NONE);
  }

  /**
   * @param recovering true for a replica that restarted and lost its state (diskless): it must not
   *                   acknowledge or vote until it has recovered. Only the very first start of a
   *                   group may pass false; a restarted replica that claims otherwise breaks safety.
   * @param nonce      fresh for each start (e.g. random), names this recovery
   */
  public ReplicaCore(ChoraConfig config, int self, CoreOutput out, boolean recovering, long nonce) {
    this(config, self, out, recovering, nonce, CoreMutation.NONE);
  }

  /** With a deliberate bug, for the simulator's mutation tests only. */
  public ReplicaCore(ChoraConfig config, int self, CoreOutput out, boolean recovering, long nonce,
      CoreMutation mutation) {
    this(config, self, out, recovering, nonce, mutation, null);
  }

  private ReplicaCore(ChoraConfig config, int self, CoreOutput out, boolean recovering, long nonce,
      CoreMutation mutation, Restored restored) {
    if (self < 0 || self >= config.replicas()) {
      throw new IllegalArgumentException("replica id " + self + " is outside 0.." + (config.replicas() - 1)
          + " for a group of " + config.replicas() + " replicas");
    }
    this.c = new CoreContext(config, self, out, recovering, nonce, mutation);
    if (restored != null) {
      c.restore(restored, recovering);
    } else {
      c.durability.start(); // the first view record: a data directory always has one once it has anything
    }
  }

  /**
   * A durable replica restarting from its data directory ({@code config.durable()} must be true).
   * The caller has loaded the snapshot into the executor. The core holds the restored rounds (none
   * verified: a view change or a state transfer confirms them) and starts a view change at its first
   * input, as a replica that was cut off would, keeping every promise the view record holds. A
   * replica whose record shows it was never normal in any view (it was still recovering when it
   * stopped) recovers again, from its snapshot, as in memory mode.
   *
   * @param nonce fresh for each start (e.g. random), names a recovery if one is needed
   */
  public static ReplicaCore restart(ChoraConfig config, int self, CoreOutput out, Restored restored, long nonce) {
    return restart(config, self, out, restored, nonce, CoreMutation.NONE);
  }

  /** {@link #restart} with a deliberate bug, for the simulator's mutation tests only. */
  public static ReplicaCore restart(ChoraConfig config, int self, CoreOutput out, Restored restored, long nonce,
      CoreMutation mutation) {
    if (!config.durable()) {
      throw new IllegalArgumentException("a restart from disk needs the durable mode; a memory-mode replica"
          + " restarts as recovering");
    }
    return new ReplicaCore(config, self, out, restored.view().lastNormalView() == Sentinels.NO_VIEW, nonce, mutation,
        restored);
  }

  // ================================================================ inputs

  /**
   * Storage reports that every {@link LogEntry} numbered up to {@code seq} is on disk (durable
   * mode). Slots up to there may now be acknowledged, and messages held for the view state go out.
   */
  public void persisted(long nowNanos, long seq) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    long roundsBefore = c.stats.roundsEntered;
    boolean acksAdvanced = c.durability.persisted(seq);
    progress();
    if (acksAdvanced && c.stats.roundsEntered == roundsBefore) {
      // No round message carried the new acknowledgements: at low load the next one may be an idle
      // interval away, and the slots would wait that long to commit.
      c.sync.sendAcks();
    }
  }

  /** Whether this replica is known diverged: then every input is ignored (see {@link DivergenceCheck}). */
  private boolean diverged() {
    return c.divergence.diverged() != null;
  }

  private void advanceTo(long nowNanos) {
    c.suspicion.noteOwnStall(nowNanos);
    c.now = nowNanos;
    if (c.bornNanos == NEVER) {
      c.bornNanos = nowNanos;
    }
  }

  /** Time passes: enters rounds that are due, retries what was lost, times out view changes. */
  public void tick(long nowNanos) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    progress();
  }

  /** A client request arrives at this replica. It is proposed in a coming round or refused. */
  public void submit(long nowNanos, Request request) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    if (c.clients.submit(request)) {
      progress();
    }
  }

  /** A round-barrier read: answered once a round entered after it arrived is committed and executed (see {@link ReadBarrier}). */
  public void read(long nowNanos, ReadRequest read) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    if (c.reads.read(read)) {
      progress();
    }
  }

  /** The failure detector (Pekko Cluster) says {@code replica} is unreachable: suspect it now. */
  public void markUnreachable(long nowNanos, int replica) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    if (replica < 0 || replica >= c.replicas || replica == c.self) {
      return;
    }
    c.suspicion.markUnreachable(replica);
    progress();
  }

  /** The failure detector says {@code replica} is reachable again: it may rejoin once caught up. */
  public void markReachable(long nowNanos, int replica) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    if (replica >= 0 && replica < c.replicas) {
      c.members[replica].unreachable = false;
    }
    progress();
  }

  /**
   * The executor's snapshot of the state after executing {@code round}, asked for by
   * {@link CoreOutput#takeSnapshot}, with the executor's digest of it ({@code Executor.digest}),
   * which divergence detection compares with the peers' at checkpoint rounds. The log below it is
   * truncated.
   */
  public void snapshotTaken(long round, byte[] state, long digest) {
    if (!diverged()) {
      c.snapshots.taken(round, state, true, digest);
    }
  }

  /** A snapshot without its digest: it takes no part in divergence detection. */
  public void snapshotTaken(long round, byte[] state) {
    if (!diverged()) {
      c.snapshots.taken(round, state, false, 0);
    }
  }

  /** A message from a peer. Invalid messages are dropped and counted; nothing is thrown. */
  public void receive(long nowNanos, PeerMessage message) {
    if (diverged()) {
      return;
    }
    advanceTo(nowNanos);
    if (message == null) {
      return;
    }
    int from = message.from();
    if (from < 0 || from >= c.replicas || from == c.self) {
      c.drop(DropReason.UNKNOWN_SENDER, message);
      return;
    }
    c.suspicion.heardFrom(from);
    // Checkpoint digests are about executed state, not views: compared whatever the view.
    if (message instanceof RoundMessage m) {
      c.divergence.reported(from, m.checkRound(), m.checkDigest());
    } else if (message instanceof AckMessage m) {
      c.divergence.reported(from, m.checkRound(), m.checkDigest());
    }
    if (diverged()) {
      return;
    }
    if (message instanceof RoundMessage m) {
      if (acceptViewTraffic(m)) {
        c.replication.onRound(m);
      }
    } else if (message instanceof AckMessage m) {
      if (acceptViewTraffic(m)) {
        c.replication.onAck(m);
      }
    } else if (message instanceof SlotRequest m) {
      if (acceptViewTraffic(m)) {
        c.repair.onSlotRequest(m);
      }
    } else if (message instanceof SlotTransfer m) {
      if (acceptViewTraffic(m)) {
        c.repair.onSlotTransfer(m);
      }
    } else if (message instanceof StartViewChange m) {
      c.viewChange.onStartViewChange(m);
    } else if (message instanceof DoViewChange m) {
      c.viewChange.onDoViewChange(m);
    } else if (message instanceof StartView m) {
      c.adoption.onStartView(m);
    } else if (message instanceof ViewRequest m) {
      c.adoption.onViewRequest(m);
    } else if (message instanceof StateRequest m) {
      c.transfer.onStateRequest(m);
    } else if (message instanceof StateTransfer m) {
      c.transfer.onStateTransfer(m);
    } else if (message instanceof Recovery m) {
      c.recovery.onRecovery(m);
    } else if (message instanceof RecoveryResponse m) {
      c.recovery.onRecoveryResponse(m);
    } else if (message instanceof ForwardedRequest m) {
      if (acceptViewTraffic(m)) {
        c.clients.onForwarded(m);
      }
    } else if (message instanceof ForwardRefused m) {
      if (acceptViewTraffic(m)) {
        c.clients.onForwardRefused(m);
      }
    }
    progress();
  }

  /**
   * Normal-operation traffic counts only in this replica's view and in NORMAL status. Traffic of a
   * later view means this replica missed its StartView: it asks for it.
   */
  private boolean acceptViewTraffic(PeerMessage m) {
    if (c.status() == Status.RECOVERING) {
      return false;
    }
    long view = c.views.view();
    if (m.view() > view || (m.view() == view && c.status() == Status.VIEW_CHANGE) || c.views.mayFallBackTo(m.view())) {
      c.adoption.requestView(m.view(), m.from()); // missed its StartView, or may fall back to it
    }
    if (m.view() != view || c.status() != Status.NORMAL) {
      c.drop(DropReason.WRONG_VIEW, m);
      return false;
    }
    return true;
  }

  // ================================================================ progress

  /**
   * After every input: the one place that decides which parts act, in this order — recovery while
   * recovering; a deferred StartView that can now be adopted; commit, execute and enter rounds
   * until no round is due; suspicion of silent members; in NORMAL, slot repair and heartbeats; in
   * VIEW_CHANGE, the coordinator's decision and the view-change timeout; state transfer.
   */
  private void progress() {
    if (c.viewChange.restartPending) {
      c.viewChange.restartPending = false;
      c.viewChange.start(c.viewChange.nextView());
    }
    if (c.status() == Status.RECOVERING && c.adoption.pending() == null) {
      c.recovery.recoverIfDue();
      return;
    }
    if (c.adoption.pendingReady()) {
      c.adoption.install(c.adoption.pending());
    }
    do {
      c.replication.commitAndExecute();
    } while (c.sync.maybeEnterRound());
    if (c.status() == Status.NORMAL && c.sync.started()) {
      // Silence is suspected the moment it reaches suspect-after-max (nextDeadlineNanos asks for
      // that tick), not at the next round timeout after it: up to a round-timeout sooner.
      c.suspicion.suspectSilentMember();
    }
    if (c.status() == Status.NORMAL) {
      c.repair.fetchMissingSlots();
      c.sync.heartbeatIfBlocked();
    } else if (c.status() == Status.VIEW_CHANGE) {
      c.viewChange.maybeDecide();
      c.viewChange.timeOutIfDue();
    }
    c.transfer.catchUpIfStalled();
  }

  // ================================================================ queries

  /** When the core next needs a {@link #tick}; a new input may make it sooner, so ask again. */
  public long nextDeadlineNanos() {
    if (diverged()) {
      return Long.MAX_VALUE;
    }
    return c.suspicion.tickDue(deadline());
  }

  private long deadline() {
    if (c.viewChange.restartPending) {
      return c.now;
    }
    long deadline = Long.MAX_VALUE;
    switch (c.status()) {
      case RECOVERING -> deadline = c.adoption.pending() == null ? c.recovery.deadlineNanos() : Long.MAX_VALUE;
      case VIEW_CHANGE -> deadline = c.viewChange.deadlineNanos();
      case NORMAL -> {
        if (!c.sync.started()) {
          return c.now;
        }
        deadline = Math.min(c.sync.deadlineNanos(), Math.min(c.repair.deadlineNanos(), c.suspicion.deadlineNanos()));
      }
    }
    return Math.min(deadline, c.transfer.deadlineNanos());
  }

  /** Whether, at its last input, this replica was still warming up (see CoreContext.warmingUp). */
  public boolean isWarmingUp() {
    return c.bornNanos != NEVER && c.warmingUp();
  }

  /**
   * The rounds member {@code k} stays outside the active set, counted from the first round of the
   * view that removed it, before this replica starts the view change that adds it back (see
   * {@link Suspicion#rejoinDelayRounds}).
   */
  public long rejoinDelayRounds(int k) { return c.suspicion.rejoinDelayRounds(k); }

  public int self() { return c.self; }
  /** The round timeout in use: between round-timeout and round-timeout-max, after peers' lags. */
  public long roundTimeoutNanos() { return c.roundTimeout(); }
  public Status status() { return c.status(); }
  public long view() { return c.views.view(); }
  /** Bit mask of the replicas that propose in the current view. */
  public int activeSet() { return c.views.activeSet(); }
  public long firstRound() { return c.views.firstRound(); }
  public long currentRound() { return c.sync.currentRound(); }
  public long commitIndex() { return c.replication.commitIndex(); }
  public long executedRound() { return c.replication.executedRound(); }
  public long snapshotRound() { return c.snapshots.round; }
  /** A snapshot was asked of the executor and has not come back yet. */
  public boolean snapshotPending() { return c.snapshots.pendingRound != Sentinels.NO_ROUND; }
  public int queuedRequests() { return c.clients.queued(); }
  public int pendingReads() { return c.reads.pending(); }
  public CoreStats stats() { return c.stats; }
  /** The number of the last {@link LogEntry} emitted (durable mode; 0 before the first). */
  public long emittedSeq() { return c.durability.emitted(); }
  /** The highest entry number storage reported on disk (durable mode). */
  public long persistedSeq() { return c.durability.persistedSeq(); }
  /** Slots currently retained in the log window. */
  public long retainedSlots() { return c.log.heldSlots(); }
  /** The requests' bytes of the slots the log holds now (bounded by max-log-bytes). */
  public long retainedBytes() { return c.log.heldBytes(); }
  /** Consecutive rounds in which {@code replica} was missing at the round timeout. */
  public int consecutiveViolations(int replica) { return c.members[replica].consecutiveViolations; }
  /** This replica's cumulative acknowledgement of {@code proposer}'s slots. */
  public long ownAck(int proposer) { return c.acks.get(c.self, proposer); }

  /**
   * What the last view change that timed out here had gathered when it gave up (null if none has):
   * which StartViewChange and DoViewChange messages arrived, whether a decision was made or is
   * waiting to be adopted, and the log window. A view change that keeps timing out between live
   * replicas means messages are not arriving or a decision cannot be adopted; this says which.
   */
  public String lastViewChangeTimeout() { return c.viewChange.lastTimeout(); }

  /**
   * Why this replica last suspected a member (null if it never has): which member, whether by
   * rounds missed in a row or by silence, how long ago it was last heard and the round timeout in
   * use. A group that changes views with every member alive reads here which timing gave way.
   */
  public String lastSuspicion() { return c.suspicion.lastSuspicion(); }

  /**
   * Null while this replica's state is not known to differ from the group's; once a quorum's state
   * digest at a checkpoint round differs from its own, the report (verdict DIVERGED) that names
   * the round and the digests. Terminal: the core ignores every input from then on.
   */
  public DivergenceReport divergence() { return c.divergence.diverged(); }

  /** What this replica holds of one round, for diagnostics. */
  public String describeRound(long round) { return Diagnostics.describeRound(c, round); }
}
