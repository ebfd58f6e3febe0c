package dev.chora.runtime.core;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.RecoveryResponse;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import dev.chora.runtime.message.ViewRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Chora replica's protocol logic (DESIGN §3–§8): a pure, deterministic, single-threaded state
 * machine. Inputs are {@link #submit client requests}, {@link #read reads}, {@link #receive peer
 * messages}, {@link #tick ticks}, reachability news from the failure detector and
 * {@link #snapshotTaken snapshots}, each carrying the caller's current time in nanoseconds; outputs
 * go to a {@link CoreOutput} synchronously, in order. It owns no thread, clock, socket or lock; the
 * caller asks {@link #nextDeadlineNanos()} when to tick next.
 *
 * <p>Safety does not rest on time anywhere in this class: time only decides when a round is
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

  /** s_v of the first view. */
  static final long FIRST_ROUND = 1;
  /** A view-change timeout doubles at most this many times in a row (16 x view-change-timeout). */
  static final int MAX_VIEW_CHANGE_BACKOFF_SHIFT = 4;
  /**
   * A member removed from the active set soon after it was added back stays out up to 2^this times
   * rejoin-after-rounds before the next rejoin (see trackRejoins).
   */
  static final int MAX_REJOIN_BACKOFF_SHIFT = 4;
  /** A stint in the active set shorter than this many times the delay its rejoin needed is "soon". */
  static final int SHORT_STINT_FACTOR = 8;

  /** Idle back-off starts here and doubles up to idle-round-interval. */
  private static final long IDLE_BACKOFF_START_NANOS = 100_000;
  /** Round timeouts a stall that slot fetches can mend waits before a state transfer is asked. */
  static final int SLOT_FETCH_PATIENCE = 4;

  private final ChoraConfig config;
  private final int self;
  private final int replicas;
  private final int quorum;
  private final int everyone;
  private final CoreOutput out;
  private final CoreMutation mutation;
  private final CoreStats stats = new CoreStats();
  private final RoundTimer roundTimer;

  // ---- view
  private Status status;
  private long view;
  private long lastNormalView;
  /**
   * The highest view this replica sent (or, as its coordinator, recorded) a DoViewChange for, or
   * accepted a StartView of: a promise not to take part in any view below it. With lastNormalView it
   * bounds the views it may still fall back to (see boundView).
   */
  private long promisedView = -1;
  private int activeSet;
  private long firstRound = FIRST_ROUND;
  /** Replicas known to have adopted the current view: their view messages count as acks. */
  private int adopted;
  private StartView lastStartView;

  // ---- log, acks, rounds
  private final RoundLog log;
  private final AckMatrix acks;
  private final long[] highestSeen;
  private final long[] peerExecuted;
  private final long[] gapSince;
  private final long[] nextFetchAt;
  private final int[] fetchAttempts;
  private final int[] consecutiveViolations;
  /** When each member was last heard from, by any message: a late member is still heard, a dead one not. */
  private final long[] lastHeardNanos;
  /** When the first round of each member's current run of violations began: its message was due then. */
  private final long[] dueSinceNanos;
  private final int[] onTimeRounds;
  /** Per member: doublings of rejoin-after-rounds it stays outside the active set before it is added back. */
  private final int[] rejoinBackoff;
  /** Per member: the first round of the view that last added it back to the active set, or -1. */
  private final long[] addedBackAtRound;
  /** Per member: the first round of the view that last removed it from the active set, or -1. */
  private final long[] removedAtRound;
  private final boolean[] unreachable;
  private long currentRound = FIRST_ROUND - 1;
  private long enteredAtNanos;
  private long lastSentNanos;
  private long commitIndex = FIRST_ROUND - 1;
  /** The highest round committed by acknowledgements in the current view (round-barrier reads). */
  private long committedInView = FIRST_ROUND - 1;
  private long executedRound = FIRST_ROUND - 1;
  private long lastRoundWithRequests = FIRST_ROUND - 1;
  private long idlePaceNanos;
  /** When a violation was last counted while the pipeline was full (see countViolationsWhileBlocked). */
  private long lastBlockedViolationNanos = Long.MIN_VALUE;
  /** View changes in a row that timed out; reset when a view is installed. */
  private int failedViewChanges;
  private boolean started;
  private long now;
  /**
   * When this replica took its first input: its warm-up (ChoraConfig.warmUpNanos) counts from
   * here. Set by the first input; until then, Long.MIN_VALUE.
   */
  private long bornNanos = Long.MIN_VALUE;

  // ---- clients
  private final RequestQueue queue;
  private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();
  /** clientId → seq of a request queued or proposed here and not yet executed: absorbs retries. */
  private final Map<Long, Long> inFlight = new HashMap<>();

  // ---- view change
  private long viewChangeStartedNanos;
  private int startViewChanges;
  private DoViewChange[] doViewChanges;
  /** Replicas this one suspected of being dead and has not heard from since (bit per id). */
  private int suspected;
  /** Parts of each sender's DoViewChange of this view, while some are missing. */
  private ViewChangeParts.Gathering<DoViewChange>[] doViewChangeParts;
  /** Parts of a StartView of a view not yet adopted, while some are missing. */
  private final ViewChangeParts.Gathering<StartView> startViewParts = new ViewChangeParts.Gathering<>(StartView::sameWholeAs);
  /** lastStartView cut into frame-sized parts, for the replicas that missed it. */
  private List<StartView> lastStartViewParts;
  private StartView lastStartViewPartsOf;
  private boolean sentDoViewChange;
  private long quorumOfDoViewChangesAt = -1;
  private long nextViewRequestAt;
  /** When a StartViewChange from each replica outside the active set was last answered (see onStartViewChange). */
  private final long[] outsiderAnsweredAt;
  /** A StartView adopted as soon as its decided rounds fit in the window (see installStartView). */
  private StartView pendingStartView;
  /** The replica that had executed furthest when this view was decided: first to ask for state. */
  private int preferredSource = -1;
  /** What the last view change to time out had gathered, for operators (see lastViewChangeTimeout). */
  private String lastViewChangeTimeout;
  /** Why this replica last suspected a member, for operators (see lastSuspicion). */
  private String lastSuspicion;

  // ---- snapshots and state transfer
  private long snapshotRound = FIRST_ROUND - 1;
  private byte[] snapshot;
  private long previousSnapshotRound = -1;
  private byte[] previousSnapshot;
  private boolean appliedSinceSnapshot;
  /** Bytes of the batches executed since the last snapshot was asked for (snapshot-every-bytes). */
  private long bytesSinceSnapshot;
  /** Held back by max-log-bytes since the last time flow control let a round go (for the stats). */
  private boolean heldAtMaxLogBytes;
  private long pendingSnapshotRound = -1;
  private long stalledSince = -1;
  private long nextStateRequestAt;
  private int stateRequestAttempts;
  private long incomingSnapshotRound = -1;
  private byte[] incomingSnapshot;
  private int incomingOffset;
  private int incomingSource;
  private int incomingRetries;

  // ---- recovery
  private final long recoveryNonce;
  private int recoveryResponders;
  private long recoveryFence = -1;
  private long nextRecoveryAt;

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
    if (self < 0 || self >= config.replicas()) {
      throw new IllegalArgumentException("replica id " + self + " is outside 0.." + (config.replicas() - 1)
          + " for a group of " + config.replicas() + " replicas");
    }
    this.config = config;
    this.roundTimer = new RoundTimer(config.roundTimeoutNanos(), config.roundTimeoutMaxNanos());
    this.self = self;
    this.replicas = config.replicas();
    this.quorum = config.quorum();
    this.everyone = (1 << replicas) - 1;
    this.out = out;
    this.mutation = mutation;
    this.log = new RoundLog(replicas, config.logWindowRounds());
    this.acks = new AckMatrix(replicas, mutation == CoreMutation.COMMIT_WITH_F_ACKS ? quorum - 1 : quorum,
        FIRST_ROUND - 1);
    this.queue = new RequestQueue(config.maxQueuedRequests(), config.maxQueuedBytes());
    this.highestSeen = new long[replicas];
    this.peerExecuted = new long[replicas];
    this.gapSince = new long[replicas];
    this.nextFetchAt = new long[replicas];
    this.fetchAttempts = new int[replicas];
    this.consecutiveViolations = new int[replicas];
    this.lastHeardNanos = new long[replicas];
    this.dueSinceNanos = new long[replicas];
    this.onTimeRounds = new int[replicas];
    this.unreachable = new boolean[replicas];
    this.outsiderAnsweredAt = new long[replicas];
    this.rejoinBackoff = new int[replicas];
    this.addedBackAtRound = new long[replicas];
    Arrays.fill(addedBackAtRound, -1);
    this.removedAtRound = new long[replicas];
    Arrays.fill(removedAtRound, -1);
    Arrays.fill(outsiderAnsweredAt, Long.MIN_VALUE);
    this.doViewChanges = new DoViewChange[replicas];
    this.doViewChangeParts = newDoViewChangeParts();
    Arrays.fill(gapSince, -1);
    this.idlePaceNanos = config.minRoundIntervalNanos();
    this.recoveryNonce = nonce;
    if (recovering && mutation != CoreMutation.RESTART_WITHOUT_RECOVERY) {
      this.status = Status.RECOVERING;
      this.view = -1;
      this.lastNormalView = -1;
    } else {
      this.status = Status.NORMAL;
      this.view = 0;
      this.lastNormalView = 0;
      this.activeSet = everyone;
      this.adopted = everyone;
      this.lastStartView = new StartView(0, self, everyone, FIRST_ROUND, FIRST_ROUND - 1, self, List.of());
    }
  }

  // ================================================================ inputs

  private void advanceTo(long nowNanos) {
    now = nowNanos;
    if (bornNanos == Long.MIN_VALUE) {
      bornNanos = nowNanos;
    }
  }

  /** Time passes: enters rounds that are due, retries what was lost, times out view changes. */
  public void tick(long nowNanos) {
    advanceTo(nowNanos);
    progress();
  }

  /** A client request arrives at this replica. It is proposed in a coming round or refused. */
  public void submit(long nowNanos, Request request) {
    advanceTo(nowNanos);
    if (request.sizeBytes() > config.maxRequestBytes()) {
      stats.tooLarge++;
      out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.REQUEST_TOO_LARGE));
      return;
    }
    if (status == Status.RECOVERING || (status == Status.NORMAL && !isActive(self))) {
      out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.NOT_ACTIVE));
      return;
    }
    Long pending = inFlight.get(request.clientId());
    if (pending != null && pending == request.seq()) {
      stats.duplicateSubmits++; // still queued or in flight here: its execution will answer
      return;
    }
    if (!queue.offer(request)) {
      stats.overloaded++;
      out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.OVERLOADED));
      return;
    }
    inFlight.put(request.clientId(), request.seq());
    progress();
  }

  /**
   * A round-barrier read (DESIGN §8, refined): answered once the round after the current one — a
   * round this replica enters only after the read arrived — is committed and executed. Any write
   * that completed before the read arrived is in a committed round of this view at or below the
   * current round (a committed round holds this replica's own slot), or in an earlier view's
   * round, below this view's first round. And if a later view has already been installed without
   * this replica, the next round can never commit in this view (only f replicas remain outside
   * that view's quorum), so the read is never answered from stale state: the client retries
   * elsewhere. The current round itself is not enough as the barrier: its acknowledgements may
   * predate a view change that completed before the read arrived. Only an active replica in NORMAL
   * status can give the guarantee; others answer NOT_ACTIVE.
   */
  public void read(long nowNanos, ReadRequest read) {
    advanceTo(nowNanos);
    if (status != Status.NORMAL || !isActive(self)) {
      out.reply(ClientReply.refused(read.clientId(), read.seq(), ClientReply.Status.NOT_ACTIVE));
      return;
    }
    if (mutation == CoreMutation.READ_WITHOUT_BARRIER) {
      out.serveRead(read);
      return;
    }
    if (reads.size() >= config.maxPendingReads()) {
      stats.overloaded++;
      out.reply(ClientReply.refused(read.clientId(), read.seq(), ClientReply.Status.OVERLOADED));
      return;
    }
    reads.addLast(new PendingRead(currentRound + 1, read));
    progress();
  }

  /** The failure detector (Pekko Cluster) says {@code replica} is unreachable: suspect it now. */
  public void markUnreachable(long nowNanos, int replica) {
    advanceTo(nowNanos);
    if (replica < 0 || replica >= replicas || replica == self) {
      return;
    }
    unreachable[replica] = true;
    onTimeRounds[replica] = 0;
    if (status == Status.NORMAL && isActive(replica)) {
      stats.suspicions++;
      lastSuspicion = "suspected replica " + replica + " in view " + view + " at round " + currentRound
          + ": the failure detector marked it unreachable";
      startViewChange(nextView());
    }
    progress();
  }

  /** The failure detector says {@code replica} is reachable again: it may rejoin once caught up. */
  public void markReachable(long nowNanos, int replica) {
    advanceTo(nowNanos);
    if (replica >= 0 && replica < replicas) {
      unreachable[replica] = false;
    }
    progress();
  }

  /**
   * The executor's snapshot of the state after executing {@code round}, asked for by
   * {@link CoreOutput#takeSnapshot}. The log below it is truncated.
   */
  public void snapshotTaken(long round, byte[] state) {
    if (round == pendingSnapshotRound) {
      pendingSnapshotRound = -1;
    }
    if (round > snapshotRound && round <= executedRound && state != null) {
      keepSnapshot(round, state);
      truncate();
    }
  }

  /** The previous snapshot stays available so that a transfer in progress can finish. */
  private void keepSnapshot(long round, byte[] state) {
    if (snapshot != null) {
      previousSnapshotRound = snapshotRound;
      previousSnapshot = snapshot;
    }
    snapshotRound = round;
    snapshot = state;
  }

  /** A message from a peer. Invalid messages are dropped and counted; nothing is thrown. */
  public void receive(long nowNanos, PeerMessage message) {
    advanceTo(nowNanos);
    if (message == null) {
      return;
    }
    int from = message.from();
    if (from < 0 || from >= replicas || from == self) {
      drop(DropReason.UNKNOWN_SENDER, message);
      return;
    }
    lastHeardNanos[from] = now;
    suspected &= ~(1 << from); // heard from: alive after all
    if (message instanceof RoundMessage m) {
      if (acceptViewTraffic(m)) {
        onRound(m);
      }
    } else if (message instanceof AckMessage m) {
      if (acceptViewTraffic(m)) {
        onAck(m);
      }
    } else if (message instanceof SlotRequest m) {
      if (acceptViewTraffic(m)) {
        onSlotRequest(m);
      }
    } else if (message instanceof SlotTransfer m) {
      if (acceptViewTraffic(m)) {
        onSlotTransfer(m);
      }
    } else if (message instanceof StartViewChange m) {
      onStartViewChange(m);
    } else if (message instanceof DoViewChange m) {
      onDoViewChange(m);
    } else if (message instanceof StartView m) {
      onStartView(m);
    } else if (message instanceof ViewRequest m) {
      onViewRequest(m);
    } else if (message instanceof StateRequest m) {
      onStateRequest(m);
    } else if (message instanceof StateTransfer m) {
      onStateTransfer(m);
    } else if (message instanceof Recovery m) {
      onRecovery(m);
    } else if (message instanceof RecoveryResponse m) {
      onRecoveryResponse(m);
    }
    progress();
  }

  /**
   * Normal-operation traffic counts only in this replica's view and in NORMAL status. Traffic of a
   * later view means this replica missed its StartView: it asks for it.
   */
  private boolean acceptViewTraffic(PeerMessage m) {
    if (status == Status.RECOVERING) {
      return false;
    }
    if (m.view() > view || (m.view() == view && status == Status.VIEW_CHANGE) || mayFallBackTo(m.view())) {
      requestView(m.view(), m.from()); // missed its StartView, or may fall back to it (mayFallBackTo)
    }
    if (m.view() != view || status != Status.NORMAL) {
      drop(DropReason.WRONG_VIEW, m);
      return false;
    }
    return true;
  }

  // ================================================================ normal operation

  private void onRound(RoundMessage m) {
    if (m.round() < firstRound || m.batch() == null || !validAckVector(m.ackVector(), m.round())
        || !isActive(m.from())) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    if (m.batch().sizeBytes() > config.maxBatchBytes() || m.batch().size() > config.maxBatchRequests()) {
      drop(DropReason.OVERSIZED, m);
      return;
    }
    heardInView(m.from(), m.executedRound());
    acks.merge(m.from(), m.ackVector());
    highestSeen[m.from()] = Math.max(highestSeen[m.from()], m.round());
    roundTimer.arrived(m.round(), now);
    boolean atMaxLogBytes = !isActive(self) && log.heldBytes() >= config.maxLogBytes();
    if (m.round() >= log.limit() || atMaxLogBytes) {
      // Beyond the window: the slot is fetched later, but the acks still tell how far the group
      // has committed, which is what sends a lagging replica to catch up by state transfer. A
      // replica outside the active set whose log holds max-log-bytes is in the same place: the
      // group runs on without it, so only the bytes bound its log. An active replica needs no
      // such rule: it proposes no round past the bound, and its peers cannot complete a round
      // without its slot, so they run at most max-rounds-in-flight rounds ahead of it.
      if (atMaxLogBytes) {
        stats.slotsDroppedAtMaxLogBytes++;
      }
      drop(DropReason.OUT_OF_WINDOW, m);
      return;
    }
    storeSlot(m.round(), m.from(), m.batch());
  }

  private void onAck(AckMessage m) {
    if (m.currentRound() < firstRound - 1 || !validAckVector(m.ackVector(), m.currentRound())) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    heardInView(m.from(), m.executedRound());
    acks.merge(m.from(), m.ackVector());
    highestSeen[m.from()] = Math.max(highestSeen[m.from()], m.currentRound());
  }

  private void heardInView(int from, long executed) {
    adopted |= 1 << from;
    peerExecuted[from] = Math.max(0, executed);
  }

  private void onSlotRequest(SlotRequest m) {
    if (m.proposer() < 0 || m.proposer() >= replicas || m.fromRound() < FIRST_ROUND || m.toRound() < m.fromRound()) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    if (mutation == CoreMutation.IGNORE_SLOT_REQUESTS) {
      return;
    }
    List<Batch> batches = new ArrayList<>();
    long bytes = 0;
    for (long r = m.fromRound(); r <= m.toRound(); r++) {
      Batch b = log.get(r, m.proposer());
      if (b == null || (bytes + b.sizeBytes() > config.maxTransferBytes() && !batches.isEmpty())) {
        break;
      }
      batches.add(b);
      bytes += b.sizeBytes();
    }
    if (!batches.isEmpty()) {
      out.send(m.from(), new SlotTransfer(view, self, m.proposer(), m.fromRound(), List.copyOf(batches)));
    }
  }

  private void onSlotTransfer(SlotTransfer m) {
    if (m.proposer() < 0 || m.proposer() >= replicas || m.firstRound() < firstRound || m.batches() == null
        || !isActive(m.proposer())) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    long bytes = 0;
    for (Batch b : m.batches()) {
      if (b == null) {
        drop(DropReason.MALFORMED, m);
        return;
      }
      if (b.sizeBytes() > config.maxBatchBytes() || b.size() > config.maxBatchRequests()) {
        drop(DropReason.OVERSIZED, m);
        return;
      }
      bytes += b.sizeBytes();
    }
    if (bytes > config.maxTransferBytes() && m.batches().size() > 1) {
      drop(DropReason.OVERSIZED, m);
      return;
    }
    long r = m.firstRound();
    for (Batch b : m.batches()) {
      if (storeSlot(r, m.proposer(), b)) {
        stats.slotsRecovered++;
      }
      r++;
    }
  }

  private boolean validAckVector(long[] vector, long senderRound) {
    if (vector == null || vector.length != replicas) {
      return false;
    }
    long ceiling = senderRound + log.capacity();
    for (long v : vector) {
      if (v < 0 || v > ceiling) {
        return false;
      }
    }
    return true;
  }

  private void drop(DropReason reason, PeerMessage message) {
    stats.dropped[reason.ordinal()]++;
    out.dropped(reason, message);
  }

  private boolean isActive(int replica) {
    return (activeSet & (1 << replica)) != 0;
  }

  /** Stores a current-view slot if new and advances this replica's own cumulative ack. */
  private boolean storeSlot(long round, int proposer, Batch batch) {
    if (round < firstRound || !log.store(round, proposer, activeSet, view, batch)) {
      return false;
    }
    if (!batch.isEmpty()) {
      lastRoundWithRequests = Math.max(lastRoundWithRequests, round);
    }
    advanceOwnAck(proposer);
    return true;
  }

  /**
   * This replica's cumulative ack for a proposer: every round it has executed counts as held (its
   * effect is in the state, and the slot may have been truncated since), then every held slot
   * after that.
   */
  private void advanceOwnAck(int proposer) {
    long ack = Math.max(acks.get(self, proposer), Math.max(executedRound, firstRound - 1));
    while (log.has(ack + 1, proposer)) {
      ack++;
    }
    acks.set(self, proposer, ack);
  }

  private void advanceOwnAcks() {
    for (int j = 0; j < replicas; j++) {
      if (isActive(j)) {
        advanceOwnAck(j);
      }
    }
  }

  // ================================================================ progress

  private void progress() {
    if (status == Status.RECOVERING && pendingStartView == null) {
      recoverIfDue();
      return;
    }
    if (pendingStartView != null && pendingStartView.view() >= view && fitsInWindow(pendingStartView)
        && (status != Status.RECOVERING || executedRound >= pendingStartView.executedThrough())) {
      installStartView(pendingStartView);
    }
    do {
      commitAndExecute();
    } while (maybeEnterRound());
    if (status == Status.NORMAL && started) {
      // Silence is suspected the moment it reaches suspect-after-max (nextDeadlineNanos asks for
      // that tick), not at the next round timeout after it: up to a round-timeout sooner.
      suspectSilentMember();
    }
    if (status == Status.NORMAL) {
      fetchMissingSlots();
      heartbeatIfBlocked();
    } else if (status == Status.VIEW_CHANGE) {
      maybeDecide();
      boolean adopting = pendingStartView != null && pendingStartView.view() == view;
      if (!adopting && now - viewChangeStartedNanos >= viewChangeTimeout()) {
        stats.viewChangeTimeouts++;
        lastViewChangeTimeout = describeViewChange();
        failedViewChanges++;
        startViewChange(nextView());
      }
    }
    catchUpIfStalled();
  }

  /** Applies the commit rule, hands committed rounds to the executor, frees what is snapshotted. */
  private void commitAndExecute() {
    if (status == Status.NORMAL) {
      long committed = commitIndex;
      boolean decidedCommitted = Integer.bitCount(adopted) >= quorum
          || mutation == CoreMutation.COMMIT_DECIDED_BEFORE_QUORUM;
      if (decidedCommitted) {
        committed = Math.max(committed, firstRound - 1);
        long viaAcks = Long.MAX_VALUE;
        for (int j = 0; j < replicas; j++) {
          if (isActive(j)) {
            viaAcks = Math.min(viaAcks, acks.committedThrough(j));
          }
        }
        if (viaAcks >= firstRound) {
          committed = Math.max(committed, viaAcks);
          committedInView = Math.max(committedInView, viaAcks);
        }
      }
      if (committed > commitIndex) {
        commitIndex = committed;
        out.committed(commitIndex);
      }
    }
    boolean progressed = false;
    while (executedRound < commitIndex) {
      long r = executedRound + 1;
      if (!log.verified(r)) {
        break; // content kept from an earlier view: confirmed by state transfer first
      }
      if (!log.complete(r)) {
        int proposers = log.proposers(r);
        if (mutation != CoreMutation.SKIP_MISSING_SLOTS || proposers == 0) {
          break; // a committed slot we lack: fetched, never guessed
        }
      }
      int proposers = log.proposers(r);
      for (int j = 0; j < replicas; j++) {
        if ((proposers & (1 << j)) == 0) {
          continue;
        }
        Batch b = log.get(r, j);
        if (b == null) {
          b = Batch.EMPTY; // reachable only under the SKIP_MISSING_SLOTS mutation
        }
        if (j == self) {
          forgetInFlight(b);
        }
        if (!b.isEmpty()) {
          appliedSinceSnapshot = true;
          bytesSinceSnapshot += b.sizeBytes();
        }
        out.execute(r, j, b);
      }
      executedRound = r;
      progressed = true;
      out.executedThrough(r);
      serveReadsUpTo(Math.min(executedRound, committedInView));
      // Every snapshot-every-rounds rounds (the same rounds on every replica), or sooner once the
      // log since the last snapshot holds snapshot-every-bytes: the rounds bound the log's length,
      // the bytes its memory under heavy batches. A snapshot costs in proportion to the state, so
      // with a large state and light batches it is taken no more often than the rounds ask.
      if (r % config.snapshotEveryRounds() == 0 || bytesSinceSnapshot >= config.snapshotEveryBytes()) {
        bytesSinceSnapshot = 0;
        if (!appliedSinceSnapshot && snapshot != null && pendingSnapshotRound < 0) {
          keepSnapshot(r, snapshot); // nothing applied since: the same state under a later round
        } else {
          appliedSinceSnapshot = false;
          pendingSnapshotRound = r;
          out.takeSnapshot(r);
        }
      }
    }
    if (progressed) {
      stalledSince = -1;
      stateRequestAttempts = 0;
      advanceOwnAcks();
    }
    truncate();
  }

  private void truncate() {
    long through = Math.min(executedRound, snapshotRound);
    if (through >= log.base()) {
      log.truncateThrough(through);
    }
  }

  private void forgetInFlight(Batch batch) {
    for (Request r : batch.requests()) {
      Long pending = inFlight.get(r.clientId());
      if (pending != null && pending == r.seq()) {
        inFlight.remove(r.clientId());
      }
    }
  }

  /**
   * The message-driven synchronizer (DESIGN §4): enter round r+1 once every active member's
   * round-r slot is held and the pace interval has passed, or once round-timeout has passed,
   * recording a synchrony violation for each member still missing. A member missing
   * suspect-after-rounds rounds in a row starts a view change; a member outside the active set that
   * has kept pace for rejoin-after-rounds rounds starts one that adds it back.
   */
  private boolean maybeEnterRound() {
    if (status != Status.NORMAL) {
      return false;
    }
    if (!started) {
      started = true;
      enterRound();
      return true;
    }
    if (!flowControlAllowsNextRound()) {
      countViolationsWhileBlocked();
      return false;
    }
    long elapsed = now - enteredAtNanos;
    boolean haveAll = roundComplete(currentRound);
    if (haveAll) {
      if (elapsed < pace()) {
        return false;
      }
      idlePaceNanos = ownWorkPending() ? config.minRoundIntervalNanos()
          : Math.min(config.idleRoundIntervalNanos(),
              Math.max(Math.max(IDLE_BACKOFF_START_NANOS, config.minRoundIntervalNanos()), idlePaceNanos * 2));
      Arrays.fill(consecutiveViolations, 0);
    } else {
      if (elapsed < roundTimeout()) {
        return false;
      }
      stats.roundsTimedOut++;
      recordViolations();
      idlePaceNanos = config.minRoundIntervalNanos();
    }
    trackPassiveMembers();
    if (suspectSilentMember()) {
      return false;
    }
    if (isActive(self) && rejoinCandidate() >= 0) {
      stats.rejoins++;
      startViewChange(nextView());
      return false;
    }
    enterRound();
    return true;
  }

  /** Each active member missing from the current round: one more violation in a row; the others: none. */
  private void recordViolations() {
    int held = log.heldMask(currentRound);
    for (int j = 0; j < replicas; j++) {
      if (!isActive(j) || (held & (1 << j)) != 0) {
        consecutiveViolations[j] = 0;
      } else {
        if (consecutiveViolations[j]++ == 0) {
          dueSinceNanos[j] = enteredAtNanos;
        }
        stats.violations++;
        out.synchronyViolation(currentRound, j);
      }
    }
  }

  /**
   * Starts a view change if an active member has been missing suspect-after-rounds times in a row,
   * or has been missing twice in a row at least and not heard from at all (no message of any kind)
   * for suspect-after-max since its first missing message was due. Under load the loosened round
   * length stretches each timeout, and the rounds alone would let a dead member go unsuspected for
   * suspect-after-rounds x round-timeout-max; but a member whose messages come late, however late, is still heard from,
   * and only the rounds can suspect it — before the timeout has adapted to its lag, its violations
   * in a row are the timer's doing, not its death.
   *
   * <p>A replica outside the active set suspects by silence only. The group does not wait for it,
   * so a member it misses round after round while still hearing from it is not late: it is itself
   * behind (its inbound lags, its window is full, it fell back to the group's view thousands of
   * rounds after the group). Its view change would then only cost it more rounds, as its peers'
   * messages in the view it left are dropped: over aeron-udp one such replica cycled for minutes
   * between falling back to the group's view and suspecting the active members again. Nor is its
   * suspicion needed: the active set holds f+1, so a member's failure is seen by the other
   * members, whose StartViewChange it joins; and a member it has not heard from at all for
   * suspect-after-max is still suspected, as nextDeadlineNanos schedules.
   */
  private boolean suspectSilentMember() {
    boolean bySilenceOnly = !isActive(self);
    int suspectAfterRounds = suspectAfterRounds();
    for (int j = 0; j < replicas; j++) {
      if (j == self || !isActive(j)) {
        continue;
      }
      int missed = consecutiveViolations[j];
      boolean silentTooLong = missed >= 2 && now >= silenceSuspectedAt(j);
      boolean byRounds = missed >= suspectAfterRounds && !bySilenceOnly;
      if (byRounds || silentTooLong) {
        stats.suspicions++;
        if (warmingUp()) {
          stats.suspicionsWhileWarmingUp++;
        }
        lastSuspicion = describeSuspicion(j, missed, !byRounds);
        suspected |= 1 << j;
        startViewChange(nextView());
        return true;
      }
    }
    return false;
  }

  private String describeSuspicion(int j, int missed, boolean bySilence) {
    long heardAgo = lastHeardNanos[j] == 0 ? -1 : (now - lastHeardNanos[j]) / 1_000_000;
    return "suspected replica " + j + " in view " + view + " at round " + currentRound + ": "
        + (bySilence ? "silent for " + (now - silentSince(j)) / 1_000_000 + " ms (suspect-after-max)"
            : "missing from " + missed + " rounds in a row (suspect-after-rounds)")
        + (warmingUp() ? ", thresholds x" + config.warmUpSuspicionFactor() + " while warming up" : "")
        + "; last heard " + (heardAgo < 0 ? "never" : heardAgo + " ms ago") + ", round timeout "
        + roundTimeout() / 1_000 + " us, executed round " + executedRound;
  }

  /**
   * Silent since it was last heard or since its message was due, whichever is later: the idle
   * back-off between rounds is no silence (a member has nothing to send then).
   */
  private long silentSince(int j) {
    return Math.max(lastHeardNanos[j], dueSinceNanos[j]);
  }

  /**
   * While this replica is young (warm-up since its first input), both suspicion thresholds are
   * warm-up-suspicion-factor times longer. A young JVM pauses to compile, collect and page in for
   * as long as a short suspect-after-max, and so, in a group that has just started, do all of
   * them: those pauses are not deaths, and each suspicion of one costs the group a view change.
   * Liveness only: suspicion decides when a view change starts, never what it decides.
   */
  private boolean warmingUp() {
    return now - bornNanos < config.warmUpNanos();
  }

  /** Whether, at its last input, this replica was still warming up (see warmingUp). */
  public boolean isWarmingUp() {
    return bornNanos != Long.MIN_VALUE && warmingUp();
  }

  private int suspectAfterRounds() {
    return warmingUp() ? config.suspectAfterRounds() * config.warmUpSuspicionFactor() : config.suspectAfterRounds();
  }

  private long suspectAfterMax() {
    return warmingUp() ? config.suspectAfterMaxNanos() * config.warmUpSuspicionFactor() : config.suspectAfterMaxNanos();
  }

  /**
   * When member j's current silence reaches the suspect-after-max that holds at that moment: the
   * longer one if that comes while warming up, else the ordinary one, or the end of the warm-up if
   * the ordinary one has passed by then. suspectSilentMember and nextDeadlineNanos agree on it, so
   * the tick that asks for a suspicion finds it due.
   */
  private long silenceSuspectedAt(int j) {
    long since = silentSince(j);
    long ordinary = since + config.suspectAfterMaxNanos();
    long warmUpEnds = bornNanos + config.warmUpNanos();
    if (ordinary - warmUpEnds >= 0) { // as nanoTime is compared: by difference
      return ordinary;
    }
    return Math.min(since + config.suspectAfterMaxNanos() * config.warmUpSuspicionFactor(), warmUpEnds);
  }

  /**
   * With the pipeline full (max-rounds-in-flight ahead of the commit index) no round is entered,
   * so none times out; yet a member missing from the current round is as silent as one missing
   * from a round that timed out, and its silence may be exactly what stops the commits (a member
   * that died mid-pipeline leaves every later round incomplete). So each round-timeout of such
   * silence counts as a violation too, and a dead member is suspected after suspect-after-rounds
   * timeouts whether or not the pipeline had room, instead of waiting for the failure detector.
   */
  private void countViolationsWhileBlocked() {
    if (roundComplete(currentRound)
        || now - Math.max(enteredAtNanos, lastBlockedViolationNanos) < roundTimeout()) {
      return;
    }
    lastBlockedViolationNanos = now;
    recordViolations();
    suspectSilentMember();
  }

  private boolean roundComplete(long round) {
    return round < firstRound || round < log.base() || log.complete(round);
  }

  /** Members outside the active set acknowledge every round; count how long each has kept pace. */
  private void trackPassiveMembers() {
    for (int k = 0; k < replicas; k++) {
      if (k == self || isActive(k)) {
        onTimeRounds[k] = 0;
      } else if (highestSeen[k] >= currentRound - 1 && !unreachable[k]) {
        onTimeRounds[k]++;
      } else {
        onTimeRounds[k] = 0;
      }
    }
  }

  /**
   * A member outside the active set that has kept pace for rejoin-after-rounds rounds, has caught up
   * and has been out for its rejoin delay, or -1.
   */
  private int rejoinCandidate() {
    for (int k = 0; k < replicas; k++) {
      if (k != self && !isActive(k) && !unreachable[k] && onTimeRounds[k] >= config.rejoinAfterRounds()
          && outLongEnough(k) && caughtUp(k)) {
        return k;
      }
    }
    return -1;
  }

  /**
   * The pipeline's bound (max-rounds-in-flight past the commit index) and the log's: its window in
   * rounds, and max-log-bytes of requests, reached only when execution or a snapshot has fallen
   * behind, since snapshots come every snapshot-every-bytes executed (at most half of it).
   */
  private boolean flowControlAllowsNextRound() {
    long next = currentRound + 1;
    if (next > commitIndex + config.maxRoundsInFlight() || next >= log.limit()) {
      return false;
    }
    if (log.heldBytes() >= config.maxLogBytes()) {
      if (!heldAtMaxLogBytes) {
        heldAtMaxLogBytes = true;
        stats.roundsHeldAtMaxLogBytes++;
      }
      return false;
    }
    heldAtMaxLogBytes = false;
    return true;
  }

  /** Work of this replica's own that needs rounds at full pace rather than the idle back-off. */
  private boolean ownWorkPending() {
    return !queue.isEmpty() || !reads.isEmpty() || lastRoundWithRequests > executedRound;
  }

  /** A peer is already in a later round: follow it at once (without resetting the back-off). */
  private boolean peerAhead() {
    for (int j = 0; j < replicas; j++) {
      if (highestSeen[j] > currentRound) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rounds member {@code k} stays outside the active set, counted from the first round of the
   * view that removed it, before this replica starts the view change that adds it back (it must
   * also have kept pace for the last rejoin-after-rounds of them): rejoin-after-rounds, doubled for
   * each time in a row it was removed soon after its last rejoin (see trackRejoins).
   */
  public long rejoinDelayRounds(int k) {
    return (long) config.rejoinAfterRounds() << rejoinBackoff[k];
  }

  private boolean outLongEnough(int k) {
    return removedAtRound[k] < 0 || currentRound - removedAtRound[k] >= rejoinDelayRounds(k);
  }

  /**
   * Rejoin damping. A member removed soon after it was added back (within SHORT_STINT_FACTOR times
   * the delay its rejoin needed) was not ready: typically a restarted JVM still warming up, which
   * keeps pace while the group is quiet, falls behind under load, is suspected, and comes back
   * again. In the fault tests such a member flapped in and out a dozen times in a few seconds,
   * and a kill that landed in the churn took 0.3 to 5 s to fail over instead of about 0.1 s. So
   * it stays out twice as long before its next rejoin, up to 2^MAX_REJOIN_BACKOFF_SHIFT times
   * rejoin-after-rounds; a member that stayed longer starts from rejoin-after-rounds again.
   *
   * <p>The delay is a hold-off, not a longer run of keeping pace: under load a member outside the
   * active set acknowledges a round one network hop after it began, and with rounds pipelined it
   * is now and then two behind, so a run of 256 on-time rounds in a row almost never happens. The
   * first version asked for such a run, and a member flapping through a one-way link cut stayed out
   * for good once the link healed (as long as the load lasted). Each replica follows this from the
   * views it installs. Liveness only: it decides when a rejoin starts, never what a view decides.
   */
  private void trackRejoins(int before, int after, long firstRound) {
    for (int k = 0; k < replicas; k++) {
      int bit = 1 << k;
      if ((before & bit) == 0 && (after & bit) != 0) {
        addedBackAtRound[k] = firstRound;
      } else if ((before & bit) != 0 && (after & bit) == 0) {
        boolean soon = addedBackAtRound[k] >= 0
            && firstRound - addedBackAtRound[k] < SHORT_STINT_FACTOR * rejoinDelayRounds(k);
        rejoinBackoff[k] = soon ? Math.min(rejoinBackoff[k] + 1, MAX_REJOIN_BACKOFF_SHIFT) : 0;
        removedAtRound[k] = firstRound;
      }
    }
  }

  /** Member {@code k} has executed to within max-rounds-in-flight of this replica's commit index. */
  private boolean caughtUp(int k) {
    return peerExecuted[k] + config.maxRoundsInFlight() >= commitIndex;
  }

  /**
   * A member outside the active set has caught up and is keeping pace: it is on its way back
   * (rejoin-after-rounds rounds of it). An idle group then paces its rounds at the round timeout
   * at most, so that it lets the member back in after that many round timeouts, not that many idle
   * intervals. Not at full pace: the member acknowledges a round one network hop after it began,
   * and empty rounds back to back would leave it a round or two behind on every count, never
   * keeping pace; nor before it has caught up, since they would also move the commit index away
   * from it faster than it executes.
   */
  private boolean rejoinUnderway() {
    if (!isActive(self)) {
      return false;
    }
    for (int k = 0; k < replicas; k++) {
      if (k != self && !isActive(k) && !unreachable[k] && onTimeRounds[k] > 0 && caughtUp(k)) {
        return true;
      }
    }
    return false;
  }

  private long pace() {
    if (ownWorkPending() || peerAhead()) {
      return config.minRoundIntervalNanos();
    }
    return rejoinUnderway() ? Math.min(idlePaceNanos, roundTimeout()) : idlePaceNanos;
  }

  /** Proposes (an active member) or acknowledges (a member outside the active set) the next round. */
  private void enterRound() {
    long r = currentRound + 1;
    currentRound = r;
    enteredAtNanos = now;
    lastSentNanos = now;
    roundTimer.entered(r, now);
    stats.roundsEntered++;
    PeerMessage message;
    if (isActive(self)) {
      Batch batch = queue.takeBatch(config.maxBatchBytes(), config.maxBatchRequests());
      storeSlot(r, self, batch);
      stats.requestsProposed += batch.size();
      message = new RoundMessage(view, r, self, batch, acks.copyOfRow(self), executedRound);
    } else {
      message = new AckMessage(view, r, self, acks.copyOfRow(self), executedRound);
    }
    broadcast(message);
    out.roundEntered(r, now);
  }

  private void broadcast(PeerMessage message) {
    for (int k = 0; k < replicas; k++) {
      if (k != self) {
        out.send(k, message);
      }
    }
  }

  /**
   * Asks for current-view slots this replica lacks but knows exist (a later round message from
   * their proposer, or a peer's ack covering them). Waits a round-timeout first — the message is
   * most likely just late — then asks the proposer and the other holders in turn.
   */
  private void fetchMissingSlots() {
    for (int j = 0; j < replicas; j++) {
      if (j == self || !isActive(j)) {
        continue;
      }
      long mine = acks.get(self, j);
      long known = Math.max(highestSeen[j], acks.highestAck(j));
      if (known <= mine) {
        gapSince[j] = -1;
        fetchAttempts[j] = 0;
        continue;
      }
      if (gapSince[j] < 0) {
        gapSince[j] = now;
        nextFetchAt[j] = now + roundTimeout();
        continue;
      }
      if (now < nextFetchAt[j]) {
        continue;
      }
      nextFetchAt[j] = now + roundTimeout();
      long last = Math.min(known, log.limit() - 1);
      if (last <= mine) {
        continue; // beyond the window for now: retried once the window moves
      }
      long to = mine + 1;
      while (to < last && !log.has(to + 1, j)) {
        to++;
      }
      out.send(fetchTarget(j, mine + 1), new SlotRequest(view, self, j, mine + 1, to));
      stats.slotRequestsSent++;
      fetchAttempts[j]++;
    }
  }

  /** The proposer itself on even attempts, otherwise the next peer whose ack covers the round. */
  private int fetchTarget(int proposer, long round) {
    int attempt = fetchAttempts[proposer];
    if (attempt % 2 == 0) {
      return proposer;
    }
    for (int i = 1; i <= replicas; i++) {
      int k = (proposer + attempt / 2 + i) % replicas;
      if (k != self && k != proposer && acks.get(k, proposer) >= round) {
        return k;
      }
    }
    return proposer;
  }

  /** When flow control holds the next round back, acks still have to reach the peers. */
  private void heartbeatIfBlocked() {
    if (!started || flowControlAllowsNextRound() || now - lastSentNanos < roundTimeout()) {
      return;
    }
    lastSentNanos = now;
    stats.heartbeatsSent++;
    broadcast(new AckMessage(view, currentRound, self, acks.copyOfRow(self), executedRound));
  }

  // ================================================================ view change

  /** The round timeout in use: the loosened round length (DESIGN §4), see {@link RoundTimer}. */
  private long roundTimeout() {
    return roundTimer.timeoutNanos();
  }

  /**
   * The view-change timeout, doubled for each view change in a row that timed out (up to
   * {@link #MAX_VIEW_CHANGE_BACKOFF_SHIFT} doublings), as in Viewstamped Replication: when messages
   * take longer than the configured timeout (an overloaded host, a replica still starting), views
   * would otherwise be abandoned faster than any can complete. Liveness only; safety never reads it.
   */
  private long viewChangeTimeout() {
    return config.viewChangeTimeoutNanos() << Math.min(failedViewChanges, MAX_VIEW_CHANGE_BACKOFF_SHIFT);
  }

  /**
   * The view to move to: the next one, skipping views coordinated by a replica this replica
   * suspected and has not heard from since, has not heard from for suspect-after-max (a replica
   * that died during a view change is never suspected by the rounds), or that the failure
   * detector marks unreachable. A dead coordinator's view can only time out, which would add a
   * view-change timeout to one fail-over in N, and more when views keep failing. Members outside
   * the active set are skipped too: one that is rejoining after a restart is usually the slowest
   * replica (a cold JVM catching up), and its views timed out again and again in the fault tests.
   * Any higher view is as safe as the next (views only need to grow), and replicas that skip
   * differently meet in the highest view any of them started. This replica never skips its own
   * turn, so the search ends within N views.
   */
  private long nextView() {
    long next = view + 1;
    while (next % replicas != self && skipsCoordinator((int) (next % replicas))) {
      next++;
    }
    return next;
  }

  private boolean skipsCoordinator(int c) {
    boolean longSilent = lastHeardNanos[c] != 0 && now - lastHeardNanos[c] >= suspectAfterMax();
    return unreachable[c] || (suspected & (1 << c)) != 0 || longSilent || !isActive(c);
  }

  /** Stops normal operation and moves to {@code newView} (DESIGN §6 step 1). */
  private void startViewChange(long newView) {
    if (status == Status.RECOVERING || newView <= view) {
      return;
    }
    if (pendingStartView != null && pendingStartView.view() < newView) {
      pendingStartView = null; // superseded: the new view's StartView will say what to adopt
    }
    view = newView;
    status = Status.VIEW_CHANGE;
    viewChangeStartedNanos = now;
    startViewChanges = 1 << self;
    doViewChanges = new DoViewChange[replicas];
    doViewChangeParts = newDoViewChangeParts();
    sentDoViewChange = false;
    quorumOfDoViewChangesAt = -1;
    stats.viewChangesStarted++;
    // A pending read's barrier is a round of the old view; a later view may renumber what follows
    // it, so the barrier would no longer cover every write that completed before the read arrived.
    refuseReads();
    broadcast(new StartViewChange(view, self, boundView()));
    out.viewChanged(view, status, activeSet);
    maybeSendDoViewChange();
  }

  private void onStartViewChange(StartViewChange m) {
    if (status == Status.RECOVERING) {
      return;
    }
    if (m.boundView() > m.view()) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    if (m.view() > view && answersInsteadOfJoining(m)) {
      return;
    }
    if (m.view() > view) {
      startViewChange(m.view());
    }
    if (m.view() == view && status == Status.VIEW_CHANGE) {
      startViewChanges |= 1 << m.from();
      maybeSendDoViewChange();
    } else if (m.view() == view && status == Status.NORMAL && lastStartView != null && lastStartView.view() == view) {
      sendLastStartView(m.from()); // it missed the StartView of the view it asks for
    }
  }

  /**
   * A replica outside the active set that wants a later view, while this one is normal in a view the
   * sender can still fall back to (above its bound view), gets this view's StartView instead of a
   * view change: a group whose members all keep pace has nothing to change. This is the role of
   * Raft's check-quorum and pre-vote. A replica whose inbound lags seconds behind (an overloaded
   * host, a long GC pause) suspects everyone, and its StartViewChange of ever later views would
   * otherwise pull the healthy members into one view change after another. Members' requests are
   * always followed: only they can tell that the view lost its quorum, and a non-member is never
   * needed for that (the active set holds f+1). A sender bound to a later view (it has promised a
   * DoViewChange there) cannot come back, so it is followed too. Answers go at most once per
   * view-change timeout to each sender. Liveness only: joining or not, no view's decision changes.
   */
  private boolean answersInsteadOfJoining(StartViewChange m) {
    if (status != Status.NORMAL || isActive(m.from()) || lastStartView == null || lastStartView.view() != view
        || view <= m.boundView()) {
      return false;
    }
    long last = outsiderAnsweredAt[m.from()];
    if (last == Long.MIN_VALUE || now - last >= config.viewChangeTimeoutNanos()) {
      outsiderAnsweredAt[m.from()] = now;
      stats.outsiderViewChangesAnswered++;
      sendLastStartView(m.from());
    }
    return true;
  }

  /** The highest view this replica is bound to: it may fall back to any StartView above it. */
  private long boundView() {
    return Math.max(lastNormalView, promisedView);
  }

  /** With f+1 StartViewChange (its own included), report to the coordinator (DESIGN §6 step 2). */
  private void maybeSendDoViewChange() {
    if (sentDoViewChange || Integer.bitCount(startViewChanges) < quorum) {
      return;
    }
    sentDoViewChange = true;
    promisedView = Math.max(promisedView, view);
    List<RoundSlots> held = new ArrayList<>();
    for (long r = Math.max(executedRound + 1, log.base()); r < log.limit(); r++) {
      RoundSlots rs = log.copy(r);
      if (rs != null && log.heldMask(r) != 0) {
        held.add(rs);
      }
    }
    DoViewChange dvc = new DoViewChange(view, self, lastNormalView, executedRound, List.copyOf(held));
    int coordinator = (int) (view % replicas);
    if (coordinator == self) {
      recordDoViewChange(dvc);
    } else {
      for (DoViewChange part : inParts(dvc)) {
        out.send(coordinator, part);
      }
    }
  }

  private void onDoViewChange(DoViewChange m) {
    if (status == Status.RECOVERING || m.rounds() == null || m.executedRound() < 0
        || !ViewChangeParts.validPart(m.part(), m.parts(), log.capacity()) || (m.parts() > 1 && m.rounds().isEmpty())) {
      if (status != Status.RECOVERING) {
        drop(DropReason.MALFORMED, m);
      }
      return;
    }
    for (RoundSlots rs : m.rounds()) {
      if (rs == null || rs.slots() == null || rs.slots().length != replicas || (rs.proposers() & ~everyone) != 0) {
        drop(DropReason.MALFORMED, m);
        return;
      }
    }
    if (m.view() > view) {
      startViewChange(m.view());
    }
    if (m.view() != view || view % replicas != self) {
      return;
    }
    if (status == Status.NORMAL && lastStartView != null && lastStartView.view() == view) {
      if (m.part() == 0) {
        sendLastStartView(m.from()); // decided already; it missed the StartView
      }
      return;
    }
    if (status == Status.VIEW_CHANGE) {
      startViewChanges |= 1 << m.from(); // any part shows its sender has moved to this view
      DoViewChange whole = m;
      if (m.parts() > 1) {
        List<DoViewChange> parts = doViewChangeParts[m.from()].add(m, m.part(), m.parts());
        if (parts == null) {
          maybeSendDoViewChange();
          return;
        }
        whole = ViewChangeParts.joinDoViewChange(parts);
      }
      recordDoViewChange(whole);
    }
  }

  private void recordDoViewChange(DoViewChange m) {
    if (doViewChanges[m.from()] == null) {
      doViewChanges[m.from()] = m;
    }
    startViewChanges |= 1 << m.from(); // its sender has moved to this view too
    maybeSendDoViewChange();
    if (quorumOfDoViewChangesAt < 0 && countDoViewChanges() >= quorum) {
      quorumOfDoViewChangesAt = now;
    }
    maybeDecide();
  }

  /** Missing rounds in a row when this view change began, and not heard from since it began. */
  private boolean goneSilent(int k) {
    return consecutiveViolations[k] >= 2 && lastHeardNanos[k] < viewChangeStartedNanos;
  }

  private int countDoViewChanges() {
    int count = 0;
    for (DoViewChange d : doViewChanges) {
      if (d != null) {
        count++;
      }
    }
    return count;
  }

  /**
   * The coordinator decides once it holds f+1 DoViewChange messages (its own included) and either
   * every replica it still expects has reported, or a round-timeout has passed since the quorum —
   * a short wait that lets every live replica into the active set at once. It does not expect a
   * replica the failure detector marks unreachable, nor one that was missing rounds when this view
   * change began and has not been heard from since: that is the member being replaced, and
   * waiting for it only adds a round-timeout to every fail-over. Liveness only: which f+1 or more
   * DoViewChange messages the decision uses never matters for safety.
   */
  private void maybeDecide() {
    if (status != Status.VIEW_CHANGE || view % replicas != self || quorumOfDoViewChangesAt < 0
        || doViewChanges[self] == null || (pendingStartView != null && pendingStartView.view() == view)) {
      return; // not the coordinator, no quorum yet, or decided already (adoption deferred)
    }
    boolean everyoneIn = true;
    for (int k = 0; k < replicas; k++) {
      if (doViewChanges[k] == null && !unreachable[k] && !goneSilent(k)) {
        everyoneIn = false;
      }
    }
    if (!everyoneIn && now - quorumOfDoViewChangesAt < roundTimeout()) {
      return;
    }
    List<DoViewChange> used = new ArrayList<>();
    for (DoViewChange d : doViewChanges) {
      if (d != null) {
        used.add(d);
      }
    }
    StartView decision = ViewDecision.decide(view, self, replicas, used, mutation);
    if (decision == null || decision.decided().size() >= log.capacity()) {
      stats.inconsistentViewChanges++;
      quorumOfDoViewChangesAt = -1; // no decision in this view: it times out to the next
      doViewChanges = new DoViewChange[replicas];
      return;
    }
    for (StartView part : inParts(decision)) {
      broadcast(part);
    }
    installStartView(decision);
  }

  private void onStartView(StartView part) {
    if (part.decided() == null || !ViewChangeParts.validPart(part.part(), part.parts(), log.capacity())
        || (part.parts() > 1 && part.decided().isEmpty())) {
      drop(DropReason.MALFORMED, part);
      return;
    }
    StartView m = part;
    if (part.parts() > 1) {
      StartView gathering = startViewParts.header();
      if ((part.view() < view && !mayFallBackTo(part.view())) || (gathering != null && part.view() < gathering.view())) {
        return; // a view this replica has left, or older than one it is gathering
      }
      List<StartView> parts = startViewParts.add(part, part.part(), part.parts());
      if (parts == null) {
        return;
      }
      m = ViewChangeParts.joinStartView(parts);
    }
    if (!validStartView(m)) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    boolean accept = switch (status) {
      case VIEW_CHANGE -> m.view() >= view || mayFallBackTo(m.view());
      case NORMAL -> m.view() > view;
      case RECOVERING -> recoveryFence >= 0 && m.view() > recoveryFence;
    };
    if (accept && (pendingStartView == null || m.view() >= pendingStartView.view())) {
      installStartView(m);
    }
  }

  /**
   * A replica changing to a view it has promised nothing in (no DoViewChange sent for it or any
   * view between) may adopt an earlier view it was never normal in, as if it had never started the
   * change: it is then where a replica that missed the StartViewChange would be. This is how a
   * lagging replica, whose StartViewChange the healthy group answered with its StartView (see
   * answersInsteadOfJoining), comes back. Safe for the reason any slow replica is: every
   * DoViewChange it sent is for a view at most its bound view, below the one it adopts.
   */
  private boolean mayFallBackTo(long v) {
    long bound = mutation == CoreMutation.FALL_BACK_DESPITE_PROMISE ? lastNormalView : boundView();
    return status == Status.VIEW_CHANGE && v < view && v > bound && mutation != CoreMutation.NO_FALL_BACK;
  }

  private boolean validStartView(StartView m) {
    if (m.view() < 0 || Integer.bitCount(m.activeSet()) < quorum || (m.activeSet() & ~everyone) != 0
        || m.decided() == null || m.executedThrough() < 0 || m.executedAt() < 0 || m.executedAt() >= replicas
        || m.firstRound() != m.executedThrough() + 1 + m.decided().size() || m.decided().size() >= log.capacity()) {
      return false;
    }
    long r = m.executedThrough() + 1;
    for (RoundSlots rs : m.decided()) {
      if (rs == null || rs.round() != r++ || rs.slots() == null || rs.slots().length != replicas || rs.proposers() == 0
          || (rs.proposers() & ~everyone) != 0 || !rs.complete()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adopts a view (DESIGN §6 step 4): rounds above the decided ones are dropped, the decided rounds
   * replace what was held, and the first round of the view is entered. Rounds up to the StartView's
   * executedThrough keep their content (it may be needed by a later view change) but are not
   * executed until confirmed by state transfer, since it may be an older view's content that a
   * view change has since replaced.
   */
  private void installStartView(StartView m) {
    if (m.view() < view) {
      stats.viewsFallenBackTo++; // see mayFallBackTo; a deferred adoption counts once, when deferred
    }
    long decidedThrough = m.firstRound() - 1;
    if (!fitsInWindow(m) || (status == Status.RECOVERING && executedRound < m.executedThrough())) {
      // The view lies beyond this replica's window: it is too far behind to hold it.
      // Catch up by state transfer first (everything up to executedThrough is committed), keeping
      // every round held meanwhile — it may be needed by a later view change — then adopt.
      // A recovering replica, which holds nothing, also waits until it has executed everything
      // up to executedThrough: until then it would be a voter unable to vouch for those rounds.
      pendingStartView = m;
      promisedView = Math.max(promisedView, m.view()); // decided: never fall back below it
      log.unverifyThrough(m.executedThrough()); // held content up to it may be stale: confirm first
      commitIndex = Math.max(commitIndex, m.executedThrough());
      preferredSource = m.executedAt();
      stats.viewsDeferred++;
      if (status != Status.RECOVERING && (status != Status.VIEW_CHANGE || view != m.view())) {
        // The old view is over for this replica: no more proposals or acks in it.
        status = Status.VIEW_CHANGE;
        view = m.view();
        viewChangeStartedNanos = now;
        sentDoViewChange = true;
        refuseReads();
      }
      return;
    }
    pendingStartView = null;
    if (startViewParts.header() != null && startViewParts.header().view() <= m.view()) {
      startViewParts.clear(); // parts of this view or an older one: of no use any more
    }
    log.clearAbove(decidedThrough);
    log.unverifyThrough(m.executedThrough());
    for (RoundSlots rs : m.decided()) {
      if (rs.round() > executedRound) {
        log.install(rs, m.view());
      }
    }
    preferredSource = m.executedAt();
    status = Status.NORMAL;
    failedViewChanges = 0;
    view = m.view();
    lastNormalView = m.view();
    if (lastStartView != null) {
      trackRejoins(activeSet, m.activeSet(), m.firstRound()); // not a recovering replica's first view
    }
    activeSet = m.activeSet();
    firstRound = m.firstRound();
    lastStartView = m;
    // Not the coordinator too: it may have deferred adopting its own decision (it was too far
    // behind); its first message of this view proves its adoption, as anyone else's does.
    adopted = 1 << self;
    commitIndex = Math.max(commitIndex, m.executedThrough());
    committedInView = decidedThrough;
    acks.reset(decidedThrough);
    Arrays.fill(highestSeen, decidedThrough);
    Arrays.fill(gapSince, -1);
    Arrays.fill(fetchAttempts, 0);
    Arrays.fill(consecutiveViolations, 0);
    Arrays.fill(onTimeRounds, 0);
    lastRoundWithRequests = Math.max(lastRoundWithRequests, decidedThrough);
    currentRound = decidedThrough;
    started = true;
    stats.viewsInstalled++;
    inFlight.clear();
    if (!isActive(self)) {
      refuseWaitingClients();
    }
    out.viewChanged(view, status, activeSet);
    enterRound();
  }

  /**
   * Whether this replica can hold what adopting the view makes it store: the decided rounds and
   * its own proposal for the view's first round, entered at once. The decided rounds alone are not
   * enough: a proposal for a round just past the window would be sent but not kept, and if the
   * message is lost no one holds the slot — the proposer cannot resend it, and since it keeps
   * proposing later rounds no one suspects it: the round never completes and the group stalls.
   */
  private boolean fitsInWindow(StartView m) {
    return m.firstRound() < log.limit();
  }

  /** Sends the StartView of the view this replica is in, in parts that each fit a frame. */
  private void sendLastStartView(int to) {
    if (lastStartViewPartsOf != lastStartView) {
      lastStartViewParts = inParts(lastStartView);
      lastStartViewPartsOf = lastStartView;
    }
    for (StartView part : lastStartViewParts) {
      out.send(to, part);
    }
  }

  private List<DoViewChange> inParts(DoViewChange whole) {
    return counted(mutation == CoreMutation.WHOLE_VIEW_CHANGE_MESSAGES ? List.of(whole)
        : ViewChangeParts.split(whole, config.maxTransferBytes()));
  }

  private List<StartView> inParts(StartView whole) {
    return counted(mutation == CoreMutation.WHOLE_VIEW_CHANGE_MESSAGES ? List.of(whole)
        : ViewChangeParts.split(whole, config.maxTransferBytes()));
  }

  private <M> List<M> counted(List<M> parts) {
    stats.viewChangeMessagesInParts += parts.size() > 1 ? 1 : 0;
    return parts;
  }

  @SuppressWarnings("unchecked")
  private ViewChangeParts.Gathering<DoViewChange>[] newDoViewChangeParts() {
    ViewChangeParts.Gathering<DoViewChange>[] parts = new ViewChangeParts.Gathering[replicas];
    for (int k = 0; k < replicas; k++) {
      parts[k] = new ViewChangeParts.Gathering<>(DoViewChange::sameWholeAs);
    }
    return parts;
  }

  private void refuseWaitingClients() {
    Batch waiting = queue.takeBatch(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (Request r : waiting.requests()) {
      out.reply(ClientReply.refused(r.clientId(), r.seq(), ClientReply.Status.NOT_ACTIVE));
    }
    refuseReads();
  }

  private void refuseReads() {
    while (!reads.isEmpty()) {
      ReadRequest r = reads.pollFirst().read();
      out.reply(ClientReply.refused(r.clientId(), r.seq(), ClientReply.Status.NOT_ACTIVE));
    }
  }

  private void requestView(long wanted, int from) {
    if (now < nextViewRequestAt) {
      return;
    }
    nextViewRequestAt = now + roundTimeout();
    out.send(from, new ViewRequest(wanted, self));
  }

  private void onViewRequest(ViewRequest m) {
    if (status == Status.NORMAL && lastStartView != null && lastStartView.view() >= m.view()) {
      sendLastStartView(m.from());
    }
  }

  // ================================================================ state transfer

  /**
   * Committed rounds this replica cannot complete from current-view slot fetches — rounds of an
   * earlier view, or rounds peers have already truncated — come as committed state: executed rounds
   * or a snapshot, in chunks, from a replica that has executed further.
   */
  private void catchUpIfStalled() {
    if (executedRound >= commitIndex || (status == Status.RECOVERING && pendingStartView == null)) {
      stalledSince = -1;
      return;
    }
    if (stalledSince < 0) {
      stalledSince = now;
      nextStateRequestAt = now + roundTimeout() * (slotFetchCanHelp() ? SLOT_FETCH_PATIENCE : 1);
      return;
    }
    if (now < nextStateRequestAt) {
      return;
    }
    nextStateRequestAt = now + roundTimeout();
    if (incomingSnapshot != null && ++incomingRetries <= 2) {
      // A snapshot transfer whose next chunk did not come (lost, or its source is slow): ask the
      // same source again where it stopped. State machines need not serialise deterministically,
      // so chunks of one snapshot all come from one source.
      sendStateRequest(incomingSource, incomingOffset);
      return;
    }
    incomingSnapshot = null; // give up on that source; start afresh elsewhere
    incomingSnapshotRound = -1;
    incomingOffset = 0;
    sendStateRequest(stateSource(), 0);
  }

  /**
   * Whether the stall is a few current-view slots that are late or lost, which
   * {@link #fetchMissingSlots} asks their holders for, one slot each. A state transfer instead
   * resends whole rounds, nearly all of them already held: on a busy host, where a slot is often a
   * round-timeout late, sending one at every such stall costs the sender and the receiver more than
   * the stall. Rounds from an earlier view (unverified) or outside the window need it at once.
   */
  private boolean slotFetchCanHelp() {
    long next = executedRound + 1;
    return status == Status.NORMAL && next >= log.base() && next < log.limit() && log.verified(next)
        && commitIndex - executedRound <= config.maxRoundsInFlight();
  }

  private int stateSource() {
    int attempt = stateRequestAttempts++;
    if (attempt % 2 == 0 && preferredSource != self && preferredSource >= 0 && peerExecuted[preferredSource] >= 0) {
      return preferredSource;
    }
    int candidates = 0;
    for (int k = 0; k < replicas; k++) {
      if (k != self && peerExecuted[k] > executedRound) {
        candidates++;
      }
    }
    int pick = candidates == 0 ? attempt % (replicas - 1) : attempt % candidates;
    for (int k = 0, seen = 0; k < replicas; k++) {
      if (k == self || (candidates > 0 && peerExecuted[k] <= executedRound)) {
        continue;
      }
      if (seen++ == pick) {
        return k;
      }
    }
    return (self + 1) % replicas;
  }

  private void sendStateRequest(int target, int offset) {
    long minSnapshot = executedRound + 1 < log.base() ? log.base() - 1 : executedRound + 1;
    out.send(target, new StateRequest(view, self, executedRound + 1, minSnapshot,
        offset == 0 ? -1 : incomingSnapshotRound, offset));
    stats.stateRequestsSent++;
  }

  private void onStateRequest(StateRequest m) {
    if (status == Status.RECOVERING || m.fromRound() < FIRST_ROUND || m.snapshotOffset() < 0) {
      return;
    }
    if (m.snapshotOffset() > 0) {
      // The next chunk of a snapshot transfer in progress: from the same snapshot if still kept.
      if (m.snapshotRound() == snapshotRound && snapshot != null) {
        sendSnapshotChunk(m.from(), snapshotRound, snapshot, m.snapshotOffset());
      } else if (m.snapshotRound() == previousSnapshotRound && previousSnapshot != null) {
        sendSnapshotChunk(m.from(), previousSnapshotRound, previousSnapshot, m.snapshotOffset());
      } else if (snapshot != null && snapshotRound >= m.minSnapshotRound()) {
        sendSnapshotChunk(m.from(), snapshotRound, snapshot, 0);
      }
      return;
    }
    if (m.fromRound() >= log.base() && m.fromRound() <= executedRound) {
      List<RoundSlots> rounds = new ArrayList<>();
      long bytes = 0;
      for (long r = m.fromRound(); r <= executedRound; r++) {
        RoundSlots rs = log.copy(r);
        if (rs == null || !rs.complete()) {
          break;
        }
        if (!rounds.isEmpty() && bytes + rs.sizeBytes() > config.maxTransferBytes()) {
          break;
        }
        rounds.add(rs);
        bytes += rs.sizeBytes();
      }
      if (!rounds.isEmpty()) {
        out.send(m.from(), StateTransfer.rounds(view, self, List.copyOf(rounds)));
      }
      return;
    }
    if (m.fromRound() < log.base() && snapshot != null && snapshotRound >= m.minSnapshotRound()) {
      sendSnapshotChunk(m.from(), snapshotRound, snapshot, 0);
    }
  }

  private void sendSnapshotChunk(int to, long round, byte[] state, int offset) {
    if (offset >= state.length) {
      return;
    }
    int length = Math.min(config.maxTransferBytes(), state.length - offset);
    byte[] chunk = Arrays.copyOfRange(state, offset, offset + length);
    out.send(to, new StateTransfer(view, self, null, round, state.length, offset, chunk));
  }

  private void onStateTransfer(StateTransfer m) {
    if (status == Status.RECOVERING && pendingStartView == null) {
      return;
    }
    if (m.isSnapshotChunk()) {
      onSnapshotChunk(m);
      return;
    }
    if (m.rounds() == null) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    for (RoundSlots rs : m.rounds()) {
      if (rs == null || rs.slots() == null || rs.slots().length != replicas || rs.proposers() == 0
          || (rs.proposers() & ~everyone) != 0 || !rs.complete()) {
        drop(DropReason.MALFORMED, m);
        return;
      }
    }
    for (RoundSlots rs : m.rounds()) {
      // Executed at the sender, so committed: its content is final and replaces anything held.
      if (rs.round() > executedRound && log.install(rs, RoundSlots.COMMITTED)) {
        commitIndex = Math.max(commitIndex, rs.round());
        stats.roundsTransferred++;
      }
    }
    advanceOwnAcks();
  }

  private void onSnapshotChunk(StateTransfer m) {
    if (m.snapshotRound() <= executedRound || m.snapshotSize() <= 0 || m.snapshotSize() > config.maxSnapshotBytes()
        || m.chunkOffset() < 0 || m.chunk().length == 0 || m.chunkOffset() + m.chunk().length > m.snapshotSize()) {
      if (m.snapshotSize() > config.maxSnapshotBytes()) {
        drop(DropReason.OVERSIZED, m);
      }
      return;
    }
    if (m.snapshotRound() != incomingSnapshotRound || incomingSnapshot == null
        || incomingSnapshot.length != m.snapshotSize()) {
      if (m.chunkOffset() != 0) {
        return;
      }
      incomingSnapshotRound = m.snapshotRound();
      incomingSnapshot = new byte[m.snapshotSize()];
      incomingOffset = 0;
      incomingSource = m.from();
    }
    if (m.chunkOffset() != incomingOffset || m.from() != incomingSource) {
      return;
    }
    incomingRetries = 0;
    System.arraycopy(m.chunk(), 0, incomingSnapshot, incomingOffset, m.chunk().length);
    incomingOffset += m.chunk().length;
    if (incomingOffset < incomingSnapshot.length) {
      nextStateRequestAt = now + roundTimeout();
      sendStateRequest(m.from(), incomingOffset);
      return;
    }
    long round = incomingSnapshotRound;
    byte[] state = incomingSnapshot;
    incomingSnapshot = null;
    incomingSnapshotRound = -1;
    incomingOffset = 0;
    if (round < log.base() - 1) {
      return; // too old to close the gap below the window; ask again later
    }
    out.installSnapshot(round, state);
    stats.snapshotsInstalled++;
    executedRound = round;
    commitIndex = Math.max(commitIndex, round);
    keepSnapshot(round, state);
    appliedSinceSnapshot = false;
    bytesSinceSnapshot = 0;
    pendingSnapshotRound = -1;
    log.truncateThrough(round);
    advanceOwnAcks();
    // Requests proposed here may be inside the snapshot, executed without a reply from here: let
    // their retries through, to be answered from the client table.
    inFlight.clear();
  }

  /**
   * Answers the reads whose barrier round is executed and was committed by acknowledgements in
   * this view — not merely reached by state transfer, whose content may come from a later view
   * this replica has not heard of.
   */
  private void serveReadsUpTo(long round) {
    while (!reads.isEmpty() && reads.peekFirst().barrierRound() <= round) {
      out.serveRead(reads.pollFirst().read());
    }
  }

  // ================================================================ recovery

  /**
   * A restarted replica asks every peer for the highest view it has started or joined. With f+1
   * answers it knows a view V at least as high as any its previous incarnation voted or
   * acknowledged in, and adopts only a StartView of a later view — whose quorum it was not part of,
   * and after which its previous incarnation's messages count nowhere. Then it is a member outside
   * the active set, catches up by state transfer and is added back by a view change.
   */
  private void recoverIfDue() {
    if (now < nextRecoveryAt) {
      return;
    }
    nextRecoveryAt = now + roundTimeout();
    broadcast(new Recovery(-1, self, recoveryNonce, recoveryFence));
  }

  private void onRecovery(Recovery m) {
    if (status == Status.RECOVERING) {
      return;
    }
    out.send(m.from(), new RecoveryResponse(view, self, m.nonce()));
    if (m.afterView() < 0) {
      return;
    }
    if (view <= m.afterView()) {
      if (status == Status.NORMAL) {
        startViewChange(m.afterView() + 1);
      }
    } else if (status == Status.NORMAL && lastStartView != null && lastStartView.view() > m.afterView()) {
      sendLastStartView(m.from());
    }
  }

  private void onRecoveryResponse(RecoveryResponse m) {
    if (status != Status.RECOVERING || m.nonce() != recoveryNonce || recoveryFence >= 0) {
      return;
    }
    recoveryResponders |= 1 << m.from();
    view = Math.max(view, m.view());
    if (Integer.bitCount(recoveryResponders) >= quorum) {
      recoveryFence = Math.max(0, view);
      nextRecoveryAt = now; // ask for a later view at once
    }
  }

  // ================================================================ queries

  /** When the core next needs a {@link #tick}; a new input may make it sooner, so ask again. */
  public long nextDeadlineNanos() {
    long deadline = Long.MAX_VALUE;
    switch (status) {
      case RECOVERING -> deadline = pendingStartView == null ? nextRecoveryAt : Long.MAX_VALUE;
      case VIEW_CHANGE -> {
        boolean adopting = pendingStartView != null && pendingStartView.view() == view;
        deadline = adopting ? Long.MAX_VALUE : viewChangeStartedNanos + viewChangeTimeout();
        if (quorumOfDoViewChangesAt >= 0 && doViewChanges[self] != null
            && (pendingStartView == null || pendingStartView.view() != view)) {
          deadline = Math.min(deadline, quorumOfDoViewChangesAt + roundTimeout());
        }
      }
      case NORMAL -> {
        if (!started) {
          return now;
        }
        if (flowControlAllowsNextRound()) {
          deadline = enteredAtNanos + (roundComplete(currentRound) ? pace() : roundTimeout());
        } else {
          deadline = lastSentNanos + roundTimeout();
          if (!roundComplete(currentRound)) {
            deadline = Math.min(deadline,
                Math.max(enteredAtNanos, lastBlockedViolationNanos) + roundTimeout());
          }
        }
        for (int j = 0; j < replicas; j++) {
          if (gapSince[j] >= 0) {
            deadline = Math.min(deadline, nextFetchAt[j]);
          }
          if (j != self && isActive(j) && consecutiveViolations[j] >= 2) {
            deadline = Math.min(deadline, silenceSuspectedAt(j));
          }
        }
      }
    }
    if (stalledSince >= 0) {
      deadline = Math.min(deadline, nextStateRequestAt);
    }
    return deadline;
  }

  public int self() { return self; }
  /** The round timeout in use: between round-timeout and round-timeout-max, after peers' lags. */
  public long roundTimeoutNanos() { return roundTimer.timeoutNanos(); }
  public Status status() { return status; }
  public long view() { return view; }
  /** Bit mask of the replicas that propose in the current view. */
  public int activeSet() { return activeSet; }
  public long firstRound() { return firstRound; }
  public long currentRound() { return currentRound; }
  public long commitIndex() { return commitIndex; }
  public long executedRound() { return executedRound; }
  public long snapshotRound() { return snapshotRound; }
  /** A snapshot was asked of the executor and has not come back yet. */
  public boolean snapshotPending() { return pendingSnapshotRound >= 0; }
  public int queuedRequests() { return queue.size(); }
  public int pendingReads() { return reads.size(); }
  public CoreStats stats() { return stats; }
  /** Slots currently retained in the log window. */
  public long retainedSlots() { return log.heldSlots(); }
  /** The requests' bytes of the slots the log holds now (bounded by max-log-bytes). */
  public long retainedBytes() { return log.heldBytes(); }
  /** Consecutive rounds in which {@code replica} was missing at the round timeout. */
  public int consecutiveViolations(int replica) { return consecutiveViolations[replica]; }
  /** This replica's cumulative acknowledgement of {@code proposer}'s slots. */
  public long ownAck(int proposer) { return acks.get(self, proposer); }

  /**
   * What the last view change that timed out here had gathered when it gave up (null if none has):
   * which StartViewChange and DoViewChange messages arrived, whether a decision was made or is
   * waiting to be adopted, and the log window. A view change that keeps timing out between live
   * replicas means messages are not arriving or a decision cannot be adopted; this says which.
   */
  public String lastViewChangeTimeout() { return lastViewChangeTimeout; }

  /**
   * Why this replica last suspected a member (null if it never has): which member, whether by
   * rounds missed in a row or by silence, how long ago it was last heard and the round timeout in
   * use. A group that changes views with every member alive reads here which timing gave way.
   */
  public String lastSuspicion() { return lastSuspicion; }

  private String describeViewChange() {
    int dvcs = 0;
    for (int k = 0; k < replicas; k++) {
      if (doViewChanges[k] != null) {
        dvcs |= 1 << k;
      }
    }
    return "view " + view + " (coordinator " + view % replicas + ") timed out after "
        + viewChangeTimeout() / 1_000_000 + " ms: StartViewChange from " + members(startViewChanges)
        + ", DoViewChange " + (sentDoViewChange ? "sent" : "not sent")
        + (view % replicas == self ? ", DoViewChange from " + members(dvcs) + partsGathered()
            + (quorumOfDoViewChangesAt >= 0 ? " (quorum)" : "") : "")
        + (pendingStartView == null ? "" : ", StartView of view " + pendingStartView.view()
            + " waiting (first round " + pendingStartView.firstRound() + ")")
        + ", inconsistent decisions " + stats.inconsistentViewChanges
        + "; executed " + executedRound + ", commit index " + commitIndex + ", window [" + log.base() + ", "
        + log.limit() + "), snapshot " + snapshotRound + (pendingSnapshotRound >= 0 ? " (one pending)" : "")
        + ", unreachable " + members(unreachableMask());
  }

  /** DoViewChange messages of which only some parts arrived, as " (parts of k: held/expected)". */
  private String partsGathered() {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < replicas; k++) {
      if (doViewChangeParts[k].header() != null) {
        b.append(b.length() == 0 ? " (parts of " : ", ").append(k).append(": ")
            .append(doViewChangeParts[k].held()).append('/').append(doViewChangeParts[k].expected());
      }
    }
    return b.length() == 0 ? "" : b.append(')').toString();
  }

  private int unreachableMask() {
    int mask = 0;
    for (int k = 0; k < replicas; k++) {
      if (unreachable[k]) {
        mask |= 1 << k;
      }
    }
    return mask;
  }

  private String members(int mask) {
    StringBuilder b = new StringBuilder("{");
    for (int k = 0; k < replicas; k++) {
      if ((mask & (1 << k)) != 0) {
        b.append(b.length() > 1 ? "," : "").append(k);
      }
    }
    return b.append('}').toString();
  }

  /** What this replica holds of one round, for diagnostics. */
  public String describeRound(long round) {
    return "round " + round + ": base=" + log.base() + " limit=" + log.limit() + " proposers="
        + Integer.toBinaryString(log.proposers(round)) + " held=" + Integer.toBinaryString(log.heldMask(round))
        + " tag=" + log.tag(round) + " verified=" + log.verified(round) + " acks(self)=" + Arrays.toString(acks.copyOfRow(self))
        + " snapshotRound=" + snapshotRound + " pendingSnapshot=" + pendingSnapshotRound + " stalledSince=" + stalledSince;
  }

  private record PendingRead(long barrierRound, ReadRequest read) {}
}
