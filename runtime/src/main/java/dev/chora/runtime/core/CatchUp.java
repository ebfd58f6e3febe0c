package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NEVER;
import static dev.chora.runtime.core.Sentinels.NO_REPLICA;
import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * State transfer (DESIGN §7): committed rounds this replica cannot complete from current-view slot
 * fetches — rounds of an earlier view, or rounds peers have already truncated — come as committed
 * state: executed rounds or a snapshot, in chunks, from a replica that has executed further. This
 * part asks when execution stalls behind the commit index, answers peers' requests, and installs
 * what arrives.
 *
 * <p>Invariants: transferred rounds are installed only above the executed round and raise the
 * commit index to them (executed at the sender, so committed); a snapshot is installed only whole,
 * from one source, its chunks taken in order, and only above the executed round (asserted in
 * {@link Replication#executedBySnapshot}).
 */
final class CatchUp {
  /** Round timeouts a stall that slot fetches can mend waits before a state transfer is asked. */
  static final int SLOT_FETCH_PATIENCE = 4;

  private final CoreContext c;
  /** Since when execution has been stalled behind the commit index, or NEVER. */
  private long stalledSinceNanos = NEVER;
  private long nextStateRequestAtNanos;
  private int stateRequestAttempts;
  /** The replica that had executed furthest when the last view was decided: first to ask for state. */
  private int preferredSource = NO_REPLICA;
  private long incomingSnapshotRound = NO_ROUND;
  private byte[] incomingSnapshot;
  private int incomingOffset;
  private int incomingSource;
  private int incomingRetries;

  CatchUp(CoreContext c) {
    this.c = c;
  }

  long stalledSinceNanos() { return stalledSinceNanos; }

  void preferSource(int replica) {
    preferredSource = replica;
  }

  /** Execution moved: no stall any more. */
  void executed() {
    stalledSinceNanos = NEVER;
    stateRequestAttempts = 0;
  }

  /** When the next state request is due, while stalled. */
  long deadlineNanos() {
    return stalledSinceNanos != NEVER ? nextStateRequestAtNanos : Long.MAX_VALUE;
  }

  /** Asks for committed state once execution has been stalled behind the commit index long enough. */
  void catchUpIfStalled() {
    long executed = c.replication.executedRound();
    if (executed >= c.replication.commitIndex() || (c.status() == Status.RECOVERING && c.adoption.pending() == null)) {
      stalledSinceNanos = NEVER;
      return;
    }
    if (stalledSinceNanos == NEVER) {
      stalledSinceNanos = c.now;
      nextStateRequestAtNanos = c.now + c.roundTimeout() * (slotFetchCanHelp() ? SLOT_FETCH_PATIENCE : 1);
      return;
    }
    if (c.now < nextStateRequestAtNanos) {
      return;
    }
    nextStateRequestAtNanos = c.now + c.roundTimeout();
    if (incomingSnapshot != null && ++incomingRetries <= 2) {
      // A snapshot transfer whose next chunk did not come (lost, or its source is slow): ask the
      // same source again where it stopped. State machines need not serialise deterministically,
      // so chunks of one snapshot all come from one source.
      sendStateRequest(incomingSource, incomingOffset);
      return;
    }
    incomingSnapshot = null; // give up on that source; start afresh elsewhere
    incomingSnapshotRound = NO_ROUND;
    incomingOffset = 0;
    sendStateRequest(stateSource(), 0);
  }

  /**
   * Whether the stall is a few current-view slots that are late or lost, which
   * {@link SlotRepair#fetchMissingSlots} asks their holders for, one slot each. A state transfer
   * instead resends whole rounds, nearly all of them already held: on a busy host, where a slot is
   * often a round-timeout late, sending one at every such stall costs the sender and the receiver
   * more than the stall. Rounds from an earlier view (unverified) or outside the window need it at
   * once.
   */
  private boolean slotFetchCanHelp() {
    long executed = c.replication.executedRound();
    long next = executed + 1;
    return c.status() == Status.NORMAL && next >= c.log.base() && next < c.log.limit() && c.log.verified(next)
        && c.replication.commitIndex() - executed <= c.config.maxRoundsInFlight();
  }

  private int stateSource() {
    long executed = c.replication.executedRound();
    int attempt = stateRequestAttempts++;
    if (attempt % 2 == 0 && preferredSource != c.self && preferredSource != NO_REPLICA
        && c.members[preferredSource].peerExecutedRound >= 0) {
      return preferredSource;
    }
    int candidates = 0;
    for (int k = 0; k < c.replicas; k++) {
      if (k != c.self && c.members[k].peerExecutedRound > executed) {
        candidates++;
      }
    }
    int pick = candidates == 0 ? attempt % (c.replicas - 1) : attempt % candidates;
    for (int k = 0, seen = 0; k < c.replicas; k++) {
      if (k == c.self || (candidates > 0 && c.members[k].peerExecutedRound <= executed)) {
        continue;
      }
      if (seen++ == pick) {
        return k;
      }
    }
    return (c.self + 1) % c.replicas;
  }

  private void sendStateRequest(int target, int offset) {
    long executed = c.replication.executedRound();
    long minSnapshot = executed + 1 < c.log.base() ? c.log.base() - 1 : executed + 1;
    c.send(target, new StateRequest(c.views.view(), c.self, executed + 1, minSnapshot,
        offset == 0 ? NO_ROUND : incomingSnapshotRound, offset));
    c.stats.stateRequestsSent++;
  }

  void onStateRequest(StateRequest m) {
    if (c.status() == Status.RECOVERING || m.fromRound() < FIRST_ROUND || m.snapshotOffset() < 0) {
      return;
    }
    Snapshots s = c.snapshots;
    if (m.snapshotOffset() > 0) {
      // The next chunk of a snapshot transfer in progress: from the same snapshot if still kept.
      if (m.snapshotRound() == s.round && s.state != null) {
        sendSnapshotChunk(m.from(), s.round, s.state, m.snapshotOffset());
      } else if (m.snapshotRound() == s.previousRound && s.previousState != null) {
        sendSnapshotChunk(m.from(), s.previousRound, s.previousState, m.snapshotOffset());
      } else if (s.state != null && s.round >= m.minSnapshotRound()) {
        sendSnapshotChunk(m.from(), s.round, s.state, 0);
      }
      return;
    }
    long executed = c.replication.executedRound();
    if (m.fromRound() >= c.log.base() && m.fromRound() <= executed) {
      List<RoundSlots> rounds = new ArrayList<>();
      long bytes = 0;
      for (long r = m.fromRound(); r <= executed; r++) {
        RoundSlots rs = c.log.copy(r);
        if (rs == null || !rs.complete()) {
          break;
        }
        if (!rounds.isEmpty() && bytes + rs.sizeBytes() > c.config.maxTransferBytes()) {
          break;
        }
        rounds.add(rs);
        bytes += rs.sizeBytes();
      }
      if (!rounds.isEmpty()) {
        c.send(m.from(), StateTransfer.rounds(c.views.view(), c.self, List.copyOf(rounds)));
      }
      return;
    }
    if (m.fromRound() < c.log.base() && s.state != null && s.round >= m.minSnapshotRound()) {
      sendSnapshotChunk(m.from(), s.round, s.state, 0);
    }
  }

  private void sendSnapshotChunk(int to, long round, byte[] state, int offset) {
    if (offset >= state.length) {
      return;
    }
    int length = Math.min(c.config.maxTransferBytes(), state.length - offset);
    byte[] chunk = Arrays.copyOfRange(state, offset, offset + length);
    c.send(to, new StateTransfer(c.views.view(), c.self, null, round, state.length, offset, chunk));
  }

  void onStateTransfer(StateTransfer m) {
    if (c.status() == Status.RECOVERING && c.adoption.pending() == null) {
      return;
    }
    if (m.isSnapshotChunk()) {
      onSnapshotChunk(m);
      return;
    }
    if (m.rounds() == null) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    for (RoundSlots rs : m.rounds()) {
      if (rs == null || rs.slots() == null || rs.slots().length != c.replicas || rs.proposers() == 0
          || (rs.proposers() & ~c.everyone) != 0 || !rs.complete()) {
        c.drop(DropReason.MALFORMED, m);
        return;
      }
    }
    for (RoundSlots rs : m.rounds()) {
      // Executed at the sender, so committed: its content is final and replaces anything held.
      if (rs.round() > c.replication.executedRound() && c.log.install(rs, RoundSlots.COMMITTED)) {
        c.replication.committedThrough(rs.round());
      }
    }
    c.replication.advanceOwnAcks();
  }

  private void onSnapshotChunk(StateTransfer m) {
    if (m.snapshotRound() <= c.replication.executedRound() || m.snapshotSize() <= 0
        || m.snapshotSize() > c.config.maxSnapshotBytes() || m.chunkOffset() < 0 || m.chunk().length == 0
        || m.chunkOffset() + m.chunk().length > m.snapshotSize()) {
      if (m.snapshotSize() > c.config.maxSnapshotBytes()) {
        c.drop(DropReason.OVERSIZED, m);
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
      nextStateRequestAtNanos = c.now + c.roundTimeout();
      sendStateRequest(m.from(), incomingOffset);
      return;
    }
    long round = incomingSnapshotRound;
    byte[] state = incomingSnapshot;
    incomingSnapshot = null;
    incomingSnapshotRound = NO_ROUND;
    incomingOffset = 0;
    if (round < c.log.base() - 1) {
      return; // too old to close the gap below the window; ask again later
    }
    c.out.installSnapshot(round, state);
    c.stats.snapshotsInstalled++;
    c.replication.executedBySnapshot(round);
    c.snapshots.installed(round, state);
    c.log.truncateThrough(round);
    c.replication.advanceOwnAcks();
    // Requests proposed here may be inside the snapshot, executed without a reply from here: let
    // their retries through, to be answered from the client table.
    c.clients.forgetInFlight();
  }
}
