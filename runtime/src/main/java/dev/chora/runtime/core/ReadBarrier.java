package dev.chora.runtime.core;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import java.util.ArrayDeque;

/**
 * Round-barrier reads (DESIGN §8, refined): a read is answered once the round after the current
 * one — a round this replica enters only after the read arrived — is committed by
 * acknowledgements in this view and executed. Any write that completed before the read arrived is
 * in a committed round of this view at or below the current round (a committed round holds this
 * replica's own slot), or in an earlier view's round, below this view's first round. And if a
 * later view has already been installed without this replica, the next round can never commit in
 * this view (only f replicas remain outside that view's quorum), so the read is never answered
 * from stale state: the client retries elsewhere. The current round itself is not enough as the
 * barrier: its acknowledgements may predate a view change that completed before the read arrived.
 * Only an active replica in NORMAL status can give the guarantee; others answer NOT_ACTIVE.
 *
 * <p>Invariants: a read is served only when its barrier is executed and committed in this view;
 * starting a view change refuses every pending read (a later view may renumber the rounds after
 * its barrier), and so does leaving the active set.
 */
final class ReadBarrier {
  private final CoreContext c;
  private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();

  ReadBarrier(CoreContext c) {
    this.c = c;
  }

  /** Queues a read behind its barrier, serves or refuses it; returns whether it was queued. */
  boolean read(ReadRequest read) {
    if (c.status() != Status.NORMAL || !c.isActive(c.self)) {
      c.out.reply(ClientReply.refused(read.clientId(), read.seq(), ClientReply.Status.NOT_ACTIVE));
      return false;
    }
    if (c.mutation == CoreMutation.READ_WITHOUT_BARRIER) {
      c.out.serveRead(read);
      return false;
    }
    if (reads.size() >= c.config.maxPendingReads()) {
      c.stats.overloaded++;
      c.out.reply(ClientReply.refused(read.clientId(), read.seq(), ClientReply.Status.OVERLOADED));
      return false;
    }
    reads.addLast(new PendingRead(c.sync.currentRound() + 1, read));
    return true;
  }

  /**
   * Answers the reads whose barrier round is at most {@code round}: the caller passes a round that
   * is executed and was committed by acknowledgements in this view — not merely reached by state
   * transfer, whose content may come from a later view this replica has not heard of.
   */
  void serveUpTo(long round) {
    while (!reads.isEmpty() && reads.peekFirst().barrierRound() <= round) {
      c.out.serveRead(reads.pollFirst().read());
    }
  }

  /** A view change: every pending read's barrier belongs to the old view. */
  void refuseAll() {
    while (!reads.isEmpty()) {
      ReadRequest r = reads.pollFirst().read();
      c.out.reply(ClientReply.refused(r.clientId(), r.seq(), ClientReply.Status.NOT_ACTIVE));
    }
  }

  boolean isEmpty() {
    return reads.isEmpty();
  }

  int pending() {
    return reads.size();
  }

  private record PendingRead(long barrierRound, ReadRequest read) {}
}
