package dev.chora.runtime.core;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.ViewRequest;
import java.util.List;

/**
 * Adopting a decided view (DESIGN §6 step 4): receiving a StartView (in parts), validating it,
 * deciding whether to accept it (a later view; an earlier one this replica may fall back to; one
 * past a recovering replica's fence), installing it — at once, or once this replica has caught up
 * into its rounds — and resending the last StartView to replicas that missed it.
 *
 * <p>Invariants, asserted where they change: a StartView is installed only when its first round
 * fits the log window, and a recovering replica installs one only once it has executed through its
 * executedThrough; a deferred StartView is a promise (never fall back below it); installing
 * replaces every round above the decided ones and makes this replica NORMAL in the view.
 */
final class ViewAdoption {
  private final CoreContext c;
  /** A StartView adopted as soon as its decided rounds fit in the window (see install). */
  private StartView pending;
  /** Parts of a StartView of a view not yet adopted, while some are missing. */
  private final ViewChangeParts.Gathering<StartView> startViewParts = new ViewChangeParts.Gathering<>(StartView::sameWholeAs);
  /** The last installed StartView cut into frame-sized parts, for the replicas that missed it. */
  private List<StartView> lastStartViewParts;
  private StartView lastStartViewPartsOf;
  private long nextViewRequestAtNanos;

  ViewAdoption(CoreContext c) {
    this.c = c;
  }

  /** A StartView waiting for this replica to catch up into its rounds, or null. */
  StartView pending() {
    return pending;
  }

  /** Whether the decision of the view this replica is changing to is waiting to be adopted. */
  boolean adoptingCurrentView() {
    return pending != null && pending.view() == c.views.view();
  }

  /** A view change to {@code newView} began: a waiting StartView of an earlier view is superseded. */
  void supersededBy(long newView) {
    if (pending != null && pending.view() < newView) {
      pending = null; // superseded: the new view's StartView will say what to adopt
    }
  }

  /** Whether the waiting StartView can be installed now (the caller then installs it). */
  boolean pendingReady() {
    return pending != null && pending.view() >= c.views.view() && fitsInWindow(pending)
        && (c.status() != Status.RECOVERING || c.replication.executedRound() >= pending.executedThrough());
  }

  void onStartView(StartView part) {
    if (part.decided() == null || !ViewChangeParts.validPart(part.part(), part.parts(), c.log.capacity())
        || (part.parts() > 1 && part.decided().isEmpty())) {
      c.drop(DropReason.MALFORMED, part);
      return;
    }
    StartView m = part;
    if (part.parts() > 1) {
      StartView gathering = startViewParts.header();
      if ((part.view() < c.views.view() && !c.views.mayFallBackTo(part.view()))
          || (gathering != null && part.view() < gathering.view())) {
        return; // a view this replica has left, or older than one it is gathering
      }
      List<StartView> parts = startViewParts.add(part, part.part(), part.parts());
      if (parts == null) {
        return;
      }
      m = ViewChangeParts.joinStartView(parts);
    }
    if (!validStartView(m)) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    boolean accept = switch (c.status()) {
      case VIEW_CHANGE -> m.view() >= c.views.view() || c.views.mayFallBackTo(m.view());
      case NORMAL -> m.view() > c.views.view();
      case RECOVERING -> c.recovery.fenceAllows(m.view());
    };
    if (accept && (pending == null || m.view() >= pending.view())) {
      install(m);
    }
  }

  private boolean validStartView(StartView m) {
    if (m.view() < 0 || Integer.bitCount(m.activeSet()) < c.quorum || (m.activeSet() & ~c.everyone) != 0
        || m.decided() == null || m.executedThrough() < 0 || m.executedAt() < 0 || m.executedAt() >= c.replicas
        || m.firstRound() != m.executedThrough() + 1 + m.decided().size() || m.decided().size() >= c.log.capacity()) {
      return false;
    }
    long r = m.executedThrough() + 1;
    for (RoundSlots rs : m.decided()) {
      if (rs == null || rs.round() != r++ || rs.slots() == null || rs.slots().length != c.replicas || rs.proposers() == 0
          || (rs.proposers() & ~c.everyone) != 0 || !rs.complete()) {
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
  void install(StartView m) {
    if (m.view() < c.views.view()) {
      c.stats.viewsFallenBackTo++; // see ViewState.mayFallBackTo; a deferred adoption counts once, when deferred
    }
    long decidedThrough = m.firstRound() - 1;
    if (!fitsInWindow(m) || (c.status() == Status.RECOVERING && c.replication.executedRound() < m.executedThrough())) {
      // The view lies beyond this replica's window: it is too far behind to hold it.
      // Catch up by state transfer first (everything up to executedThrough is committed), keeping
      // every round held meanwhile — it may be needed by a later view change — then adopt.
      // A recovering replica, which holds nothing, also waits until it has executed everything
      // up to executedThrough: until then it would be a voter unable to vouch for those rounds.
      pending = m;
      c.views.promise(m.view()); // decided: never fall back below it
      c.log.unverifyThrough(m.executedThrough()); // held content up to it may be stale: confirm first
      c.replication.committedThrough(m.executedThrough());
      c.transfer.preferSource(m.executedAt());
      if (c.status() != Status.RECOVERING && (c.status() != Status.VIEW_CHANGE || c.views.view() != m.view())) {
        c.viewChange.awaitDecidedView(m.view()); // the old view is over: no more proposals or acks in it
      }
      return;
    }
    assert fitsInWindow(m) && (c.status() != Status.RECOVERING || c.replication.executedRound() >= m.executedThrough());
    pending = null;
    if (startViewParts.header() != null && startViewParts.header().view() <= m.view()) {
      startViewParts.clear(); // parts of this view or an older one: of no use any more
    }
    c.log.clearAbove(decidedThrough);
    c.log.unverifyThrough(m.executedThrough());
    for (RoundSlots rs : m.decided()) {
      if (rs.round() > c.replication.executedRound()) {
        c.log.install(rs, m.view());
      }
    }
    c.transfer.preferSource(m.executedAt());
    c.viewChange.installed();
    if (c.views.lastStartView() != null) {
      c.suspicion.trackRejoins(c.views.activeSet(), m.activeSet(), m.firstRound()); // not a recovering replica's first view
    }
    c.views.install(m);
    c.replication.startView(decidedThrough, m.executedThrough());
    c.acks.reset(decidedThrough);
    for (MemberProgress p : c.members) {
      p.startView(decidedThrough);
    }
    c.sync.startView(decidedThrough);
    c.clients.forgetInFlight();
    if (!c.isActive(c.self)) {
      c.clients.refuseWaiting();
      c.reads.refuseAll();
    } else {
      c.clients.viewInstalled();
    }
    c.out.viewChanged(c.views.view(), c.status(), c.views.activeSet());
    c.sync.enterRound();
  }

  /**
   * Whether this replica can hold what adopting the view makes it store: the decided rounds and
   * its own proposal for the view's first round, entered at once. The decided rounds alone are not
   * enough: a proposal for a round just past the window would be sent but not kept, and if the
   * message is lost no one holds the slot — the proposer cannot resend it, and since it keeps
   * proposing later rounds no one suspects it: the round never completes and the group stalls.
   */
  private boolean fitsInWindow(StartView m) {
    return m.firstRound() < c.log.limit();
  }

  /** Sends the StartView of the view this replica is in, in parts that each fit a frame. */
  void sendLastStartView(int to) {
    StartView last = c.views.lastStartView();
    if (lastStartViewPartsOf != last) {
      lastStartViewParts = c.viewChange.inParts(last);
      lastStartViewPartsOf = last;
    }
    for (StartView part : lastStartViewParts) {
      c.send(to, part);
    }
  }

  /** Traffic of a view this replica has not adopted: ask its sender for the StartView, at most once a round-timeout. */
  void requestView(long wanted, int from) {
    if (c.now < nextViewRequestAtNanos) {
      return;
    }
    nextViewRequestAtNanos = c.now + c.roundTimeout();
    c.send(from, new ViewRequest(wanted, c.self));
  }

  void onViewRequest(ViewRequest m) {
    StartView last = c.views.lastStartView();
    if (c.status() == Status.NORMAL && last != null && last.view() >= m.view()) {
      sendLastStartView(m.from());
    }
  }
}
