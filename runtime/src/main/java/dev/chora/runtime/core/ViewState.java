package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.BEFORE_FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NO_VIEW;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.StartView;
import java.util.List;

/**
 * Where this replica stands among views (DESIGN §6, §7): its status, the view it is in or moving
 * to, the last view it was normal in, the view it has promised not to go below, the active set and
 * first round of its last installed view, and which replicas have shown they adopted that view.
 *
 * <p>Invariants, asserted where they change:
 * <ul>
 *   <li>a view change only moves up, to a view above the bound view (nothing promised there yet);
 *   <li>{@code lastNormalView} never falls, and {@code promisedView} only grows (a maximum);
 *   <li>installing a view makes it the bound view ({@code view == lastNormalView >= promisedView}):
 *       a replica is NORMAL only in the view it installed last, and never promised a later one;
 *   <li>an installed view's active set holds at least a quorum.
 * </ul>
 * The FALL_BACK_DESPITE_PROMISE mutation breaks the promise rules on purpose (see
 * {@link #keepsPromises}).
 */
final class ViewState {
  private final CoreContext c;
  private Status status;
  private long view;
  private long lastNormalView;
  /**
   * The highest view this replica sent (or, as its coordinator, recorded) a DoViewChange for, or
   * accepted a StartView of: a promise not to take part in any view below it. With lastNormalView it
   * bounds the views it may still fall back to (see boundView).
   */
  private long promisedView = NO_VIEW;
  private int activeSet;
  private long firstRound = FIRST_ROUND;
  /** Replicas known to have adopted the current view: their view messages count as acks. */
  private int adopted;
  /** The StartView of the last installed view (null while recovering, before the first one). */
  private StartView lastStartView;

  ViewState(CoreContext c, boolean recovering) {
    this.c = c;
    if (recovering && c.mutation != CoreMutation.RESTART_WITHOUT_RECOVERY) {
      status = Status.RECOVERING;
      view = NO_VIEW;
      lastNormalView = NO_VIEW;
    } else {
      status = Status.NORMAL;
      view = 0;
      lastNormalView = 0;
      activeSet = c.everyone;
      adopted = c.everyone;
      lastStartView = new StartView(0, c.self, c.everyone, FIRST_ROUND, BEFORE_FIRST_ROUND, c.self, List.of());
    }
  }

  Status status() { return status; }
  long view() { return view; }
  long lastNormalView() { return lastNormalView; }
  int activeSet() { return activeSet; }
  long firstRound() { return firstRound; }
  int adopted() { return adopted; }
  StartView lastStartView() { return lastStartView; }

  boolean isActive(int replica) {
    return (activeSet & (1 << replica)) != 0;
  }

  /** Whether this replica holds the StartView of the view it is normal in (it can resend it). */
  boolean normalWithStartView() {
    return status == Status.NORMAL && lastStartView != null && lastStartView.view() == view;
  }

  /** The highest view this replica is bound to: it may fall back to any StartView above it. */
  long boundView() {
    return Math.max(lastNormalView, promisedView);
  }

  /**
   * A replica changing to a view it has promised nothing in (no DoViewChange sent for it or any
   * view between) may adopt an earlier view it was never normal in, as if it had never started the
   * change: it is then where a replica that missed the StartViewChange would be. This is how a
   * lagging replica, whose StartViewChange the healthy group answered with its StartView (see
   * ViewChange.answersInsteadOfJoining), comes back. Safe for the reason any slow replica is:
   * every DoViewChange it sent is for a view at most its bound view, below the one it adopts.
   */
  boolean mayFallBackTo(long v) {
    long bound = c.mutation == CoreMutation.FALL_BACK_DESPITE_PROMISE ? lastNormalView : boundView();
    return status == Status.VIEW_CHANGE && v < view && v > bound && c.mutation != CoreMutation.NO_FALL_BACK;
  }

  /**
   * A promise not to take part in any view below {@code v}. In durable mode it is persisted before
   * any later message leaves: a DoViewChange is the promise the coordinator's quorum counts on.
   */
  void promise(long v) {
    if (v > promisedView) {
      promisedView = v;
      persist();
    }
  }

  /** Journals the view state and holds later messages until it is on disk (durable mode; see {@link Durability}). */
  private void persist() {
    c.durability.emit(record());
    c.durability.barrier();
  }

  LogEntry.ViewRecord record() {
    return new LogEntry.ViewRecord(view, lastNormalView, promisedView, activeSet, firstRound);
  }

  /**
   * A restart from disk: back where the record left it, in VIEW_CHANGE — a replica that was cut off
   * — with every promise kept. Nothing it held is trusted as current until a view change or a
   * StartView says so. Its last StartView is gone: it has none to resend.
   */
  void restore(LogEntry.ViewRecord r) {
    status = Status.VIEW_CHANGE;
    lastNormalView = r.lastNormalView();
    promisedView = r.promisedView();
    view = Math.max(r.view(), boundView());
    activeSet = r.activeSet();
    firstRound = r.firstRound();
    adopted = 0;
    lastStartView = null;
  }

  /** A replica heard from in the current view has adopted it. */
  void adoptedBy(int replica) {
    adopted |= 1 << replica;
  }

  /** Stops normal operation and moves to {@code newView}. */
  void changeTo(long newView) {
    assert status != Status.RECOVERING && newView > view : "a view change only moves up: " + view + " -> " + newView;
    view = newView;
    status = Status.VIEW_CHANGE;
    assert !keepsPromises() || boundView() < view : "changing to view " + view + " at or below the bound " + boundView();
  }

  /** Leaves the current view for a decided view this replica cannot adopt yet (it is too far behind). */
  void awaitDecidedView(long decidedView) {
    assert status != Status.RECOVERING;
    view = decidedView;
    status = Status.VIEW_CHANGE;
  }

  /** A recovering replica learned of a view: it will adopt only a later one. */
  void learnedOf(long v) {
    assert status == Status.RECOVERING;
    view = Math.max(view, v);
  }

  /** Installs {@code m}: normal in its view, with its active set and first round. */
  void install(StartView m) {
    assert m.view() >= lastNormalView : "last normal view falls: " + lastNormalView + " -> " + m.view();
    assert Integer.bitCount(m.activeSet()) >= c.quorum : "an active set below a quorum: " + m.activeSet();
    status = Status.NORMAL;
    view = m.view();
    lastNormalView = m.view();
    activeSet = m.activeSet();
    firstRound = m.firstRound();
    lastStartView = m;
    // Not the coordinator too: it may have deferred adopting its own decision (it was too far
    // behind); its first message of this view proves its adoption, as anyone else's does.
    adopted = 1 << c.self;
    persist(); // that first message, and every one after it, leaves once the adoption is on disk
    assert !keepsPromises() || boundView() == view : "installed view " + view + " below the bound " + boundView();
  }

  /**
   * False only under the FALL_BACK_DESPITE_PROMISE mutation, which breaks the promise on purpose:
   * the assertions about the bound view then stand aside, so that the simulator's checkers are
   * what catches the broken core.
   */
  boolean keepsPromises() {
    return c.mutation != CoreMutation.FALL_BACK_DESPITE_PROMISE;
  }
}
