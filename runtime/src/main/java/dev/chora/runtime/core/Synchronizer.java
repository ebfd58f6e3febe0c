package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.BEFORE_FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NEVER;
import static dev.chora.runtime.core.Sentinels.NO_REPLICA;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.RoundMessage;

/**
 * The message-driven synchronizer (DESIGN §4): enter round r+1 once every active member's round-r
 * slot is held and the pace interval has passed, or once round-timeout has passed, recording a
 * synchrony violation for each member still missing. It paces rounds (full, retry, idle), holds
 * rounds back under flow control (max-rounds-in-flight, the log window, max-log-bytes) and sends
 * heartbeats meanwhile; on each entry it has {@link Suspicion} check for silent members and for a
 * member outside the active set ready to rejoin.
 *
 * <p>Invariants, asserted where they change: the current round grows by one at each entry (a new
 * view sets it to the view's last decided round); no round is entered past the commit index plus
 * max-rounds-in-flight or outside the log window; time only decides when, never what.
 */
final class Synchronizer {
  private final CoreContext c;
  private boolean started;
  private long currentRound = BEFORE_FIRST_ROUND;
  private long enteredAtNanos;
  private long lastSentNanos;
  /**
   * The current round was entered at its timeout: the next one follows as soon as it is complete,
   * which also clears the violations in a row of the members that were late, rather than leaving
   * them counted, and their silence measured, through an idle interval.
   */
  private boolean enteredAtTimeout;
  /** When a violation was last counted while the pipeline was full (see countViolationsWhileBlocked). */
  private long lastBlockedViolationNanos = NEVER;
  /** Held back by max-log-bytes since the last time flow control let a round go (for the stats). */
  private boolean heldAtMaxLogBytes;

  Synchronizer(CoreContext c) {
    this.c = c;
  }

  boolean started() { return started; }
  long currentRound() { return currentRound; }

  /** Enters the next round if it is due; returns whether it did (the caller commits and asks again). */
  boolean maybeEnterRound() {
    if (c.status() != Status.NORMAL) {
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
    long elapsed = c.now - enteredAtNanos;
    boolean haveAll = roundComplete(currentRound);
    boolean timedOut = false;
    if (haveAll) {
      if (elapsed < pace()) {
        return false;
      }
      for (MemberProgress p : c.members) {
        p.consecutiveViolations = 0;
      }
    } else {
      if (elapsed < c.roundTimeout()) {
        return false;
      }
      c.stats.roundsTimedOut++;
      recordViolations();
      timedOut = true;
    }
    c.suspicion.trackPassiveMembers();
    if (c.suspicion.suspectSilentMember()) {
      return false;
    }
    if (c.isActive(c.self) && c.suspicion.rejoinCandidate() != NO_REPLICA) {
      c.stats.rejoins++;
      c.viewChange.start(c.viewChange.nextView());
      return false;
    }
    enterRound();
    enteredAtTimeout = timedOut;
    return true;
  }

  /** Each active member missing from the current round: one more violation in a row; the others: none. */
  private void recordViolations() {
    int held = c.log.heldMask(currentRound);
    for (int j = 0; j < c.replicas; j++) {
      MemberProgress p = c.members[j];
      if (!c.isActive(j) || (held & (1 << j)) != 0) {
        p.consecutiveViolations = 0;
      } else {
        if (p.consecutiveViolations++ == 0) {
          p.dueSinceNanos = enteredAtNanos;
        }
        c.stats.violations++;
        c.out.synchronyViolation(currentRound, j);
      }
    }
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
        || c.now - Math.max(enteredAtNanos, lastBlockedViolationNanos) < c.roundTimeout()) {
      return;
    }
    lastBlockedViolationNanos = c.now;
    recordViolations();
    c.suspicion.suspectSilentMember();
  }

  private boolean roundComplete(long round) {
    return round < c.views.firstRound() || round < c.log.base() || c.log.complete(round);
  }

  /**
   * The pipeline's bound (max-rounds-in-flight past the commit index) and the log's: its window in
   * rounds, and max-log-bytes of requests, reached only when execution or a snapshot has fallen
   * behind, since snapshots come every snapshot-every-bytes executed (at most half of it).
   */
  private boolean flowControlAllowsNextRound() {
    long next = currentRound + 1;
    if (next > c.replication.commitIndex() + c.config.maxRoundsInFlight() || next >= c.log.limit()) {
      return false;
    }
    if (c.log.heldBytes() >= c.config.maxLogBytes()) {
      if (!heldAtMaxLogBytes) {
        heldAtMaxLogBytes = true;
        c.stats.roundsHeldAtMaxLogBytes++;
      }
      return false;
    }
    heldAtMaxLogBytes = false;
    return true;
  }

  /**
   * Work that needs the next round at full pace: requests or reads waiting here, or requests
   * this replica's clients sent that are proposed (or forwarded) and not yet executed here —
   * their commit waits for acknowledgements that ride the next round. With three replicas a
   * proposer usually has them with its round's messages (each peer entered the round on the
   * proposal and acknowledges it; f+1 is the holder and the proposer), so a lone request costs
   * one round. Requests only of other replicas' clients do not push the next round: their
   * replicas do, and this one follows. In durable mode no round is needed for acknowledgements:
   * every replica sends those a sync releases at once ({@link #sendAcks}), and a round entered
   * meanwhile would only add its slots to the next sync.
   */
  private boolean ownWorkPending() {
    return !c.clients.isEmpty() || !c.reads.isEmpty() || (!c.durability.on() && c.clients.awaitingExecution());
  }

  /** A peer is already in a later round: follow it at once. */
  private boolean peerAhead() {
    for (MemberProgress p : c.members) {
      if (p.highestSeenRound > currentRound) {
        return true;
      }
    }
    return false;
  }

  /**
   * How long after entering a complete round the next one is due. With work, at once
   * (min-round-interval). Requests proposed but not yet executed here after their acknowledging
   * round: at the round timeout, so that an acknowledgement lost on the way is carried again
   * without keeping rounds at full pace (durable mode sends the acks a sync releases at once, see
   * {@link #sendAcks}). Otherwise the group is idle: idle-round-interval, or the round timeout
   * while a member outside the active set is rejoining.
   */
  private long pace() {
    if (ownWorkPending() || peerAhead() || enteredAtTimeout) {
      return c.config.minRoundIntervalNanos();
    }
    long idle = c.config.idleRoundIntervalNanos();
    if (c.replication.lastRoundWithRequests() > c.replication.executedRound() || c.suspicion.rejoinUnderway()) {
      return Math.max(c.config.minRoundIntervalNanos(), Math.min(idle, c.roundTimeout()));
    }
    return idle;
  }

  /** Proposes (an active member) or acknowledges (a member outside the active set) the next round. */
  void enterRound() {
    long r = currentRound + 1;
    assert r <= c.replication.commitIndex() + c.config.maxRoundsInFlight() || r == c.views.firstRound()
        : "round " + r + " entered past the pipeline's bound";
    assert r < c.log.limit() : "round " + r + " entered outside the log window";
    currentRound = r;
    enteredAtNanos = c.now;
    lastSentNanos = c.now;
    c.roundTimer.entered(r, c.now);
    c.stats.roundsEntered++;
    PeerMessage message;
    if (c.isActive(c.self)) {
      Batch batch = c.clients.takeBatch(r);
      c.replication.storeSlot(r, c.self, batch);
      c.stats.requestsProposed += batch.size();
      message = new RoundMessage(c.views.view(), r, c.self, batch, c.acks.copyOfRow(c.self),
          c.replication.executedRound(), c.divergence.latestRound(), c.divergence.latestDigest());
    } else {
      message = new AckMessage(c.views.view(), r, c.self, c.acks.copyOfRow(c.self), c.replication.executedRound(),
          c.divergence.latestRound(), c.divergence.latestDigest());
    }
    c.broadcast(message);
    c.out.roundEntered(r, c.now);
  }

  /** A new view decided every round through {@code decidedThrough}: its first round comes next. */
  void startView(long decidedThrough) {
    currentRound = decidedThrough;
    started = true;
  }

  /** When flow control holds the next round back, acks still have to reach the peers. */
  void heartbeatIfBlocked() {
    if (!started || flowControlAllowsNextRound() || c.now - lastSentNanos < c.roundTimeout()) {
      return;
    }
    lastSentNanos = c.now;
    c.broadcast(new AckMessage(c.views.view(), currentRound, c.self, c.acks.copyOfRow(c.self),
        c.replication.executedRound(), c.divergence.latestRound(), c.divergence.latestDigest()));
  }

  /**
   * Durable mode, after a sync released acknowledgements and no round message took them: sends
   * them now in an ack message. Waiting for the next round message instead adds up to a round to
   * every commit: measured, a fifth less throughput at 256 in flight (docs/performance.md).
   */
  void sendAcks() {
    if (!started || c.status() != Status.NORMAL) {
      return;
    }
    lastSentNanos = c.now;
    c.broadcast(new AckMessage(c.views.view(), currentRound, c.self, c.acks.copyOfRow(c.self),
        c.replication.executedRound(), c.divergence.latestRound(), c.divergence.latestDigest()));
  }

  /** When the next round is due, or the next heartbeat or blocked violation, in NORMAL status once started. */
  long deadlineNanos() {
    if (flowControlAllowsNextRound()) {
      return enteredAtNanos + (roundComplete(currentRound) ? pace() : c.roundTimeout());
    }
    long deadline = lastSentNanos + c.roundTimeout();
    if (!roundComplete(currentRound)) {
      deadline = Math.min(deadline, Math.max(enteredAtNanos, lastBlockedViolationNanos) + c.roundTimeout());
    }
    return deadline;
  }
}
