package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NO_VIEW;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.RecoveryResponse;

/**
 * Recovery of a replica that restarted with its state lost (DESIGN §7). It asks every peer for the
 * highest view it has started or joined. With f+1 answers it knows a view V (its fence) at least
 * as high as any its previous incarnation voted or acknowledged in, and adopts only a StartView of
 * a later view — whose quorum it was not part of, and after which its previous incarnation's
 * messages count nowhere. Then it is a member outside the active set, catches up by state transfer
 * and is added back by a view change. Peers answer Recovery messages here too.
 *
 * <p>Invariants, asserted where they change: the fence is set once, from f+1 answers to this
 * incarnation's nonce, and is never below a view any of them reported; a recovering replica
 * neither acknowledges nor votes.
 */
final class RecoveryProtocol {
  private final CoreContext c;
  private final long nonce;
  private int responders;
  /** The highest view f+1 peers reported, once known: only a later view may be adopted. NO_VIEW until then. */
  private long fence = NO_VIEW;
  private long nextRecoveryAtNanos;

  RecoveryProtocol(CoreContext c, long nonce) {
    this.c = c;
    this.nonce = nonce;
  }

  /** Whether a recovering replica may adopt the StartView of {@code view}. */
  boolean fenceAllows(long view) {
    return fence != NO_VIEW && view > fence;
  }

  long deadlineNanos() {
    return nextRecoveryAtNanos;
  }

  /** Asks the peers again (for their views, or, past the fence, for a later view), once a round-timeout. */
  void recoverIfDue() {
    if (c.now < nextRecoveryAtNanos) {
      return;
    }
    nextRecoveryAtNanos = c.now + c.roundTimeout();
    c.broadcast(new Recovery(NO_VIEW, c.self, nonce, fence));
  }

  void onRecovery(Recovery m) {
    if (c.status() == Status.RECOVERING) {
      return;
    }
    c.send(m.from(), new RecoveryResponse(c.views.view(), c.self, m.nonce()));
    if (m.afterView() < 0) {
      return;
    }
    if (c.views.view() <= m.afterView()) {
      if (c.status() == Status.NORMAL) {
        c.viewChange.start(m.afterView() + 1);
      }
    } else if (c.status() == Status.NORMAL && c.views.lastStartView() != null
        && c.views.lastStartView().view() > m.afterView()) {
      c.adoption.sendLastStartView(m.from());
    }
  }

  void onRecoveryResponse(RecoveryResponse m) {
    if (c.status() != Status.RECOVERING || m.nonce() != nonce || fence != NO_VIEW) {
      return;
    }
    responders |= 1 << m.from();
    c.views.learnedOf(m.view());
    if (Integer.bitCount(responders) >= c.quorum) {
      fence = Math.max(0, c.views.view());
      assert fence >= m.view() : "a fence below a reported view";
      nextRecoveryAtNanos = c.now; // ask for a later view at once
    }
  }
}
