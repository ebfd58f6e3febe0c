package dev.chora.runtime.core;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Chora replica's protocol logic in normal operation (DESIGN §3, §4, §8): a pure,
 * deterministic, single-threaded state machine. Inputs are {@link #submit client requests},
 * {@link #read reads}, {@link #receive peer messages} and {@link #tick ticks}, each carrying the
 * caller's current time in nanoseconds; outputs go to a {@link CoreOutput} synchronously, in order.
 * It owns no thread, clock, socket or lock; the caller asks {@link #nextDeadlineNanos()} when to
 * tick next.
 *
 * <p>Safety does not rest on time anywhere in this class: time only decides when a round is
 * entered (and so how fast things commit) and when a lost message is asked for again.
 */
public final class ReplicaCore {
  /** The first view's number; view changes arrive with the fallback path. */
  static final long INITIAL_VIEW = 0;
  /** s_v of the first view. */
  static final long FIRST_ROUND = 1;
  /** Idle back-off starts here and doubles up to idle-round-interval. */
  private static final long IDLE_BACKOFF_START_NANOS = 100_000;

  private final ChoraConfig config;
  private final int self;
  private final int replicas;
  private final CoreOutput out;
  private final CoreMutation mutation;
  private final CoreStats stats = new CoreStats();

  private final long view = INITIAL_VIEW;
  private final RoundLog log;
  private final AckMatrix acks;
  private final RequestQueue queue;
  private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();
  /** clientId → seq of a request queued or proposed here and not yet executed: absorbs retries. */
  private final Map<Long, Long> inFlight = new HashMap<>();

  /** Highest round of a round message received from each proposer. */
  private final long[] highestSeen;
  /** When a gap in each proposer's slots was first seen (or -1), and when to ask again. */
  private final long[] gapSince;
  private final long[] nextFetchAt;
  private final int[] fetchAttempts;
  private final int[] consecutiveViolations;

  private boolean started;
  private long currentRound = FIRST_ROUND - 1;
  private long enteredAtNanos;
  private long lastSentNanos;
  private long commitIndex = FIRST_ROUND - 1;
  private long executedRound = FIRST_ROUND - 1;
  private long lastRoundWithRequests = FIRST_ROUND - 1;
  private long idlePaceNanos;
  private long now;

  public ReplicaCore(ChoraConfig config, int self, CoreOutput out) {
    this(config, self, out, CoreMutation.NONE);
  }

  /** With a deliberate bug, for the simulator's mutation tests only. */
  public ReplicaCore(ChoraConfig config, int self, CoreOutput out, CoreMutation mutation) {
    if (self < 0 || self >= config.replicas()) {
      throw new IllegalArgumentException("replica id " + self + " is outside 0.." + (config.replicas() - 1)
          + " for a group of " + config.replicas() + " replicas");
    }
    this.config = config;
    this.self = self;
    this.replicas = config.replicas();
    this.out = out;
    this.mutation = mutation;
    this.log = new RoundLog(replicas, config.logWindowRounds());
    this.acks = new AckMatrix(replicas, config.quorum(), FIRST_ROUND - 1);
    this.queue = new RequestQueue(config.maxQueuedRequests(), config.maxQueuedBytes());
    this.highestSeen = new long[replicas];
    this.gapSince = new long[replicas];
    this.nextFetchAt = new long[replicas];
    this.fetchAttempts = new int[replicas];
    this.consecutiveViolations = new int[replicas];
    java.util.Arrays.fill(highestSeen, FIRST_ROUND - 1);
    java.util.Arrays.fill(gapSince, -1);
    this.idlePaceNanos = config.minRoundIntervalNanos();
  }

  // ---------------------------------------------------------------- inputs

  /** Time passes: enters rounds that are due, asks again for missing slots. */
  public void tick(long nowNanos) {
    now = nowNanos;
    progress();
  }

  /** A client request arrives at this replica. It is proposed in a coming round or refused. */
  public void submit(long nowNanos, Request request) {
    now = nowNanos;
    if (request.sizeBytes() > config.maxRequestBytes()) {
      stats.tooLarge++;
      out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.REQUEST_TOO_LARGE));
      return;
    }
    Long pending = inFlight.get(request.clientId());
    if (pending != null && pending == request.seq()) {
      // Still queued or in flight here: its execution will answer the client.
      stats.duplicateSubmits++;
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
   * A round-barrier read (DESIGN §8): noted with the round this replica is proposing now and
   * answered once every round up to it has been executed. Any write that completed before the
   * read arrived was in a committed round; a committed round holds this replica's own slot, so its
   * number is at most the current round.
   */
  public void read(long nowNanos, ReadRequest read) {
    now = nowNanos;
    if (mutation == CoreMutation.READ_WITHOUT_BARRIER || executedRound >= currentRound) {
      out.serveRead(read);
      return;
    }
    if (reads.size() >= config.maxPendingReads()) {
      stats.overloaded++;
      out.reply(ClientReply.refused(read.clientId(), read.seq(), ClientReply.Status.OVERLOADED));
      return;
    }
    reads.addLast(new PendingRead(currentRound, read));
    progress();
  }

  /** A message from a peer. Invalid messages are dropped and counted; nothing is thrown. */
  public void receive(long nowNanos, PeerMessage message) {
    now = nowNanos;
    if (message == null) {
      return;
    }
    int from = message.from();
    if (from < 0 || from >= replicas || from == self) {
      drop(DropReason.UNKNOWN_SENDER, message);
      return;
    }
    if (message.view() != view) {
      drop(DropReason.WRONG_VIEW, message);
      return;
    }
    if (message instanceof RoundMessage m) {
      onRound(m);
    } else if (message instanceof AckMessage m) {
      onAck(m);
    } else if (message instanceof SlotRequest m) {
      onSlotRequest(m);
    } else if (message instanceof SlotTransfer m) {
      onSlotTransfer(m);
    }
    progress();
  }

  // ---------------------------------------------------------------- message handlers

  private void onRound(RoundMessage m) {
    if (m.round() < FIRST_ROUND || m.batch() == null || !validAckVector(m.ackVector(), m.round())) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    if (!withinLimits(m.batch())) {
      drop(DropReason.OVERSIZED, m);
      return;
    }
    if (m.round() >= log.limit()) {
      drop(DropReason.OUT_OF_WINDOW, m);
      return;
    }
    acks.merge(m.from(), m.ackVector());
    highestSeen[m.from()] = Math.max(highestSeen[m.from()], m.round());
    storeSlot(m.round(), m.from(), m.batch());
  }

  private void onAck(AckMessage m) {
    if (m.currentRound() < FIRST_ROUND - 1 || !validAckVector(m.ackVector(), m.currentRound())) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    acks.merge(m.from(), m.ackVector());
  }

  private void onSlotRequest(SlotRequest m) {
    if (m.proposer() < 0 || m.proposer() >= replicas || m.fromRound() < FIRST_ROUND
        || m.toRound() < m.fromRound()) {
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
    if (m.proposer() < 0 || m.proposer() >= replicas || m.firstRound() < FIRST_ROUND || m.batches() == null) {
      drop(DropReason.MALFORMED, m);
      return;
    }
    long bytes = 0;
    for (Batch b : m.batches()) {
      if (b == null) {
        drop(DropReason.MALFORMED, m);
        return;
      }
      if (!withinLimits(b)) {
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
    // Nobody can hold slots of rounds far beyond the sender's own, or below the first round.
    long ceiling = senderRound + config.logWindowRounds();
    for (long v : vector) {
      if (v < FIRST_ROUND - 1 || v > ceiling) {
        return false;
      }
    }
    return true;
  }

  private boolean withinLimits(Batch batch) {
    return batch.sizeBytes() <= config.maxBatchBytes() && batch.size() <= config.maxBatchRequests();
  }

  private void drop(DropReason reason, PeerMessage message) {
    stats.dropped[reason.ordinal()]++;
    out.dropped(reason, message);
  }

  /** Stores a slot if new and advances this replica's own cumulative ack for its proposer. */
  private boolean storeSlot(long round, int proposer, Batch batch) {
    if (!log.store(round, proposer, batch)) {
      return false;
    }
    if (!batch.isEmpty()) {
      lastRoundWithRequests = Math.max(lastRoundWithRequests, round);
    }
    long ack = acks.get(self, proposer);
    while (log.has(ack + 1, proposer)) {
      ack++;
    }
    acks.set(self, proposer, ack);
    return true;
  }

  // ---------------------------------------------------------------- progress

  /** Commits, executes and enters every round that is due now, then schedules fetches. */
  private void progress() {
    do {
      commitAndExecute();
    } while (maybeEnterRound());
    fetchMissingSlots();
    heartbeatIfBlocked();
  }

  /** Applies the commit rule, hands committed rounds to the executor, frees what nobody needs. */
  private void commitAndExecute() {
    long committed = Long.MAX_VALUE;
    for (int j = 0; j < replicas; j++) {
      committed = Math.min(committed, acks.committedThrough(j));
    }
    if (committed > commitIndex) {
      commitIndex = committed;
      out.committed(commitIndex);
    }
    while (executedRound < commitIndex) {
      long r = executedRound + 1;
      if (log.heldCount(r) < replicas && mutation != CoreMutation.SKIP_MISSING_SLOTS) {
        break; // a committed slot we lack: fetchMissingSlots asks a holder for it
      }
      for (int j = 0; j < replicas; j++) {
        Batch b = log.get(r, j);
        if (b == null) {
          b = Batch.EMPTY; // reachable only under the SKIP_MISSING_SLOTS mutation
        }
        if (j == self) {
          forgetInFlight(b);
        }
        out.execute(r, j, b);
      }
      executedRound = r;
      while (!reads.isEmpty() && reads.peekFirst().barrierRound() <= executedRound) {
        out.serveRead(reads.pollFirst().read());
      }
    }
    long unneeded = Math.min(executedRound, acks.minAck());
    if (unneeded >= log.base()) {
      log.truncateThrough(unneeded);
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
   * The message-driven synchronizer (DESIGN §4): enter round r+1 once every member's round-r
   * message is held and the pace interval has passed, or once round-timeout has passed, recording
   * a synchrony violation for each member still missing.
   */
  private boolean maybeEnterRound() {
    if (!started) {
      started = true;
      enterRound();
      return true;
    }
    if (!flowControlAllowsNextRound()) {
      return false;
    }
    long elapsed = now - enteredAtNanos;
    boolean haveAll = log.heldCount(currentRound) == replicas;
    if (haveAll) {
      if (elapsed < pace()) {
        return false;
      }
      idlePaceNanos = workPending() ? config.minRoundIntervalNanos()
          : Math.min(config.idleRoundIntervalNanos(),
              Math.max(Math.max(IDLE_BACKOFF_START_NANOS, config.minRoundIntervalNanos()), idlePaceNanos * 2));
      for (int j = 0; j < replicas; j++) {
        consecutiveViolations[j] = 0;
      }
    } else {
      if (elapsed < config.roundTimeoutNanos()) {
        return false;
      }
      stats.roundsTimedOut++;
      for (int j = 0; j < replicas; j++) {
        if (log.has(currentRound, j) || currentRound < log.base()) {
          consecutiveViolations[j] = 0;
        } else {
          consecutiveViolations[j]++;
          stats.violations++;
          out.synchronyViolation(currentRound, j);
        }
      }
      idlePaceNanos = config.minRoundIntervalNanos();
    }
    enterRound();
    return true;
  }

  private boolean flowControlAllowsNextRound() {
    long next = currentRound + 1;
    return next <= commitIndex + config.maxRoundsInFlight() && next < log.limit();
  }

  /** Work that needs rounds to keep coming at full pace rather than the idle back-off. */
  private boolean workPending() {
    if (!queue.isEmpty() || !reads.isEmpty() || lastRoundWithRequests > executedRound) {
      return true;
    }
    for (int j = 0; j < replicas; j++) {
      if (highestSeen[j] > currentRound) {
        return true; // a peer is ahead: catch up at once
      }
    }
    return false;
  }

  private long pace() {
    return workPending() ? config.minRoundIntervalNanos() : idlePaceNanos;
  }

  private void enterRound() {
    long r = currentRound + 1;
    Batch batch = queue.takeBatch(config.maxBatchBytes(), config.maxBatchRequests());
    currentRound = r;
    enteredAtNanos = now;
    lastSentNanos = now;
    storeSlot(r, self, batch);
    stats.roundsEntered++;
    stats.requestsProposed += batch.size();
    RoundMessage message = new RoundMessage(view, r, self, batch, acks.copyOfRow(self));
    for (int k = 0; k < replicas; k++) {
      if (k != self) {
        out.send(k, message);
      }
    }
    out.roundEntered(r, now);
  }

  /**
   * Asks for slots this replica lacks but knows exist (a later round message from their proposer,
   * or a peer's ack covering them). Waits a round-timeout first — the message is most likely just
   * late — then asks the proposer and the other holders in turn, once per round-timeout.
   */
  private void fetchMissingSlots() {
    for (int j = 0; j < replicas; j++) {
      if (j == self) {
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
        nextFetchAt[j] = now + config.roundTimeoutNanos();
        continue;
      }
      if (now < nextFetchAt[j]) {
        continue;
      }
      nextFetchAt[j] = now + config.roundTimeoutNanos();
      long last = Math.min(known, log.limit() - 1);
      if (last <= mine) {
        continue; // beyond the window for now: retried once the window moves
      }
      long to = mine + 1;
      while (to < last && !log.has(to + 1, j)) {
        to++; // ask for the run of missing rounds, not for what is already here
      }
      int target = fetchTarget(j, mine + 1);
      out.send(target, new SlotRequest(view, self, j, mine + 1, to));
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
    if (!started || flowControlAllowsNextRound() || now - lastSentNanos < config.roundTimeoutNanos()) {
      return;
    }
    lastSentNanos = now;
    stats.heartbeatsSent++;
    AckMessage message = new AckMessage(view, currentRound, self, acks.copyOfRow(self));
    for (int k = 0; k < replicas; k++) {
      if (k != self) {
        out.send(k, message);
      }
    }
  }

  // ---------------------------------------------------------------- queries

  /** When the core next needs a {@link #tick}; a new input may make it sooner, so ask again. */
  public long nextDeadlineNanos() {
    if (!started) {
      return now;
    }
    long deadline;
    if (flowControlAllowsNextRound()) {
      boolean haveAll = log.heldCount(currentRound) == replicas;
      deadline = enteredAtNanos + (haveAll ? pace() : config.roundTimeoutNanos());
    } else {
      deadline = lastSentNanos + config.roundTimeoutNanos();
    }
    for (int j = 0; j < replicas; j++) {
      if (gapSince[j] >= 0) {
        deadline = Math.min(deadline, nextFetchAt[j]);
      }
    }
    return deadline;
  }

  public int self() { return self; }
  public long view() { return view; }
  public long currentRound() { return currentRound; }
  public long commitIndex() { return commitIndex; }
  public long executedRound() { return executedRound; }
  public int queuedRequests() { return queue.size(); }
  public int pendingReads() { return reads.size(); }
  public CoreStats stats() { return stats; }
  /** Slots currently retained in the log window. */
  public long retainedSlots() { return log.heldSlots(); }
  /** Consecutive rounds in which {@code replica} was missing at the round timeout. */
  public int consecutiveViolations(int replica) { return consecutiveViolations[replica]; }
  /** This replica's cumulative acknowledgement of {@code proposer}'s slots. */
  public long ownAck(int proposer) { return acks.get(self, proposer); }

  private record PendingRead(long barrierRound, ReadRequest read) {}
}
