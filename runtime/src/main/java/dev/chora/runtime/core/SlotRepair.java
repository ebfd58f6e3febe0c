package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NEVER;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import java.util.ArrayList;
import java.util.List;

/**
 * Slot repair in a view: asks for current-view slots this replica lacks but knows exist, answers
 * such requests from its log, and stores the slots that come back. A committed slot is fetched,
 * never guessed.
 *
 * <p>Invariants: a request names a run of rounds this replica lacks, starting just above its own
 * cumulative ack for the proposer; a transfer stores only slots of the current view's active
 * proposers, each at most once (the log refuses a slot already held).
 */
final class SlotRepair {
  private final CoreContext c;

  SlotRepair(CoreContext c) {
    this.c = c;
  }

  /**
   * Asks for current-view slots this replica lacks but knows exist (a later round message from
   * their proposer, or a peer's ack covering them). Waits a round-timeout first — the message is
   * most likely just late — then asks the proposer and the other holders in turn.
   */
  void fetchMissingSlots() {
    for (int j = 0; j < c.replicas; j++) {
      if (j == c.self || !c.isActive(j)) {
        continue;
      }
      MemberProgress p = c.members[j];
      long mine = c.acks.get(c.self, j);
      long known = Math.max(p.highestSeenRound, c.acks.highestAck(j));
      if (known <= mine) {
        p.gapSinceNanos = NEVER;
        p.fetchAttempts = 0;
        continue;
      }
      if (p.gapSinceNanos == NEVER) {
        p.gapSinceNanos = c.now;
        p.nextFetchAtNanos = c.now + c.roundTimeout();
        continue;
      }
      if (c.now < p.nextFetchAtNanos) {
        continue;
      }
      p.nextFetchAtNanos = c.now + c.roundTimeout();
      long last = Math.min(known, c.log.limit() - 1);
      if (last <= mine) {
        continue; // beyond the window for now: retried once the window moves
      }
      long to = mine + 1;
      while (to < last && !c.log.has(to + 1, j)) {
        to++;
      }
      c.send(fetchTarget(j, mine + 1), new SlotRequest(c.views.view(), c.self, j, mine + 1, to));
      p.fetchAttempts++;
    }
  }

  /** The proposer itself on even attempts, otherwise the next peer whose ack covers the round. */
  private int fetchTarget(int proposer, long round) {
    int attempt = c.members[proposer].fetchAttempts;
    if (attempt % 2 == 0) {
      return proposer;
    }
    for (int i = 1; i <= c.replicas; i++) {
      int k = (proposer + attempt / 2 + i) % c.replicas;
      if (k != c.self && k != proposer && c.acks.get(k, proposer) >= round) {
        return k;
      }
    }
    return proposer;
  }

  /** When the next slot request is due, for any member whose gap is being waited out. */
  long deadlineNanos() {
    long deadline = Long.MAX_VALUE;
    for (MemberProgress p : c.members) {
      if (p.gapSinceNanos != NEVER) {
        deadline = Math.min(deadline, p.nextFetchAtNanos);
      }
    }
    return deadline;
  }

  void onSlotRequest(SlotRequest m) {
    if (m.proposer() < 0 || m.proposer() >= c.replicas || m.fromRound() < FIRST_ROUND || m.toRound() < m.fromRound()) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    if (c.mutation == CoreMutation.IGNORE_SLOT_REQUESTS) {
      return;
    }
    List<Batch> batches = new ArrayList<>();
    long bytes = 0;
    for (long r = m.fromRound(); r <= m.toRound(); r++) {
      Batch b = c.log.get(r, m.proposer());
      if (b == null || (bytes + b.sizeBytes() > c.config.maxTransferBytes() && !batches.isEmpty())) {
        break;
      }
      batches.add(b);
      bytes += b.sizeBytes();
    }
    if (!batches.isEmpty()) {
      c.send(m.from(), new SlotTransfer(c.views.view(), c.self, m.proposer(), m.fromRound(), List.copyOf(batches)));
    }
  }

  void onSlotTransfer(SlotTransfer m) {
    if (m.proposer() < 0 || m.proposer() >= c.replicas || m.firstRound() < c.views.firstRound() || m.batches() == null
        || !c.isActive(m.proposer())) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    long bytes = 0;
    for (Batch b : m.batches()) {
      if (b == null) {
        c.drop(DropReason.MALFORMED, m);
        return;
      }
      if (b.sizeBytes() > c.config.maxBatchBytes() || b.size() > c.config.maxBatchRequests()) {
        c.drop(DropReason.OVERSIZED, m);
        return;
      }
      bytes += b.sizeBytes();
    }
    if (bytes > c.config.maxTransferBytes() && m.batches().size() > 1) {
      c.drop(DropReason.OVERSIZED, m);
      return;
    }
    long r = m.firstRound();
    for (Batch b : m.batches()) {
      if (c.replication.storeSlot(r, m.proposer(), b)) {
        c.stats.slotsRecovered++;
      }
      r++;
    }
  }
}
