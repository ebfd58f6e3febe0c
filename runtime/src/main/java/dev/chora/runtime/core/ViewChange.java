package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NEVER;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import java.util.ArrayList;
import java.util.List;

/**
 * The view change up to the decision (DESIGN §6 steps 1–3): starting a view change, joining one on
 * f+1 StartViewChange, reporting to the coordinator with a DoViewChange, and, as coordinator,
 * gathering DoViewChange messages and deciding with {@link ViewDecision}; also the view-change
 * timeout with its back-off, and answering an outsider's StartViewChange instead of joining.
 * Adopting the decision is {@link ViewAdoption}'s.
 *
 * <p>Invariants: a DoViewChange is sent at most once per view, only with f+1 StartViewChange in
 * hand, and promises the view first — no fall back below it (asserted); the coordinator keeps the
 * first DoViewChange of each sender and decides at most once per view, from f+1 or more of them,
 * its own included (asserted).
 */
final class ViewChange {
  /** A view-change timeout doubles at most this many times in a row (16 x view-change-timeout). */
  static final int MAX_VIEW_CHANGE_BACKOFF_SHIFT = 4;

  private final CoreContext c;
  private long startedNanos;
  /** A replica restarted from disk starts a view change at its first input (see ReplicaCore.restart). */
  boolean restartPending;
  /** Replicas known to have moved to this view (bit per id), this one included. */
  private int startViewChanges;
  private DoViewChange[] doViewChanges;
  /** Parts of each sender's DoViewChange of this view, while some are missing. */
  private ViewChangeParts.Gathering<DoViewChange>[] doViewChangeParts;
  private boolean sentDoViewChange;
  /** When the coordinator first held f+1 DoViewChange messages of this view, or NEVER. */
  private long quorumOfDoViewChangesAtNanos = NEVER;
  /** View changes in a row that timed out; reset when a view is installed. */
  private int failedViewChanges;
  /** What the last view change to time out had gathered, for operators (see ReplicaCore.lastViewChangeTimeout). */
  private String lastTimeout;

  ViewChange(CoreContext c) {
    this.c = c;
    this.doViewChanges = new DoViewChange[c.replicas];
    this.doViewChangeParts = newDoViewChangeParts();
  }

  String lastTimeout() { return lastTimeout; }

  /**
   * The view-change timeout, doubled for each view change in a row that timed out (up to
   * {@link #MAX_VIEW_CHANGE_BACKOFF_SHIFT} doublings), as in Viewstamped Replication: when messages
   * take longer than the configured timeout (an overloaded host, a replica still starting), views
   * would otherwise be abandoned faster than any can complete. Liveness only; safety never reads it.
   */
  long timeoutNanos() {
    return c.config.viewChangeTimeoutNanos() << Math.min(failedViewChanges, MAX_VIEW_CHANGE_BACKOFF_SHIFT);
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
  long nextView() {
    long next = c.views.view() + 1;
    while (next % c.replicas != c.self && c.suspicion.skipsCoordinator((int) (next % c.replicas))) {
      next++;
    }
    return next;
  }

  /** Stops normal operation and moves to {@code newView} (DESIGN §6 step 1). */
  void start(long newView) {
    if (c.status() == Status.RECOVERING || newView <= c.views.view()) {
      return;
    }
    c.adoption.supersededBy(newView);
    c.views.changeTo(newView);
    startedNanos = c.now;
    startViewChanges = 1 << c.self;
    doViewChanges = new DoViewChange[c.replicas];
    doViewChangeParts = newDoViewChangeParts();
    sentDoViewChange = false;
    quorumOfDoViewChangesAtNanos = NEVER;
    c.stats.viewChangesStarted++;
    // A pending read's barrier is a round of the old view; a later view may renumber what follows
    // it, so the barrier would no longer cover every write that completed before the read arrived.
    c.reads.refuseAll();
    c.broadcast(new StartViewChange(c.views.view(), c.self, c.views.boundView()));
    c.out.viewChanged(c.views.view(), c.status(), c.views.activeSet());
    maybeSendDoViewChange();
  }

  /** A decided view this replica must catch up to before adopting it: the old view is over for it. */
  void awaitDecidedView(long decidedView) {
    c.views.awaitDecidedView(decidedView);
    startedNanos = c.now;
    sentDoViewChange = true;
    c.reads.refuseAll();
  }

  /** A view was installed: the next view change starts from the configured timeout again. */
  void installed() {
    failedViewChanges = 0;
  }

  /** Gives up on this view change after its timeout, unless its decision is only waiting to be adopted. */
  void timeOutIfDue() {
    if (!c.adoption.adoptingCurrentView() && c.now - startedNanos >= timeoutNanos()) {
      c.stats.viewChangeTimeouts++;
      lastTimeout = Diagnostics.describeViewChange(c, this);
      failedViewChanges++;
      start(nextView());
    }
  }

  /** When this view change times out, or its coordinator's wait for every live replica ends. */
  long deadlineNanos() {
    boolean adopting = c.adoption.adoptingCurrentView();
    long deadline = adopting ? Long.MAX_VALUE : startedNanos + timeoutNanos();
    if (quorumOfDoViewChangesAtNanos != NEVER && doViewChanges[c.self] != null && !adopting) {
      deadline = Math.min(deadline, quorumOfDoViewChangesAtNanos + c.roundTimeout());
    }
    return deadline;
  }

  void onStartViewChange(StartViewChange m) {
    if (c.status() == Status.RECOVERING) {
      return;
    }
    if (m.boundView() > m.view()) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    if (m.view() > c.views.view() && answersInsteadOfJoining(m)) {
      return;
    }
    if (m.view() > c.views.view()) {
      start(m.view());
    }
    if (m.view() == c.views.view() && c.status() == Status.VIEW_CHANGE) {
      startViewChanges |= 1 << m.from();
      maybeSendDoViewChange();
    } else if (m.view() == c.views.view() && c.views.normalWithStartView()) {
      c.adoption.sendLastStartView(m.from()); // it missed the StartView of the view it asks for
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
    if (!c.views.normalWithStartView() || c.isActive(m.from()) || c.views.view() <= m.boundView()) {
      return false;
    }
    MemberProgress p = c.members[m.from()];
    if (p.outsiderAnsweredAtNanos == NEVER || c.now - p.outsiderAnsweredAtNanos >= c.config.viewChangeTimeoutNanos()) {
      p.outsiderAnsweredAtNanos = c.now;
      c.stats.outsiderViewChangesAnswered++;
      c.adoption.sendLastStartView(m.from());
    }
    return true;
  }

  /** With f+1 StartViewChange (its own included), report to the coordinator (DESIGN §6 step 2). */
  private void maybeSendDoViewChange() {
    if (sentDoViewChange || Integer.bitCount(startViewChanges) < c.quorum) {
      return;
    }
    sentDoViewChange = true;
    c.views.promise(c.views.view());
    assert !c.views.keepsPromises() || c.views.boundView() == c.views.view() : "a DoViewChange without the promise";
    long executed = c.replication.executedRound();
    List<RoundSlots> held = new ArrayList<>();
    for (long r = Math.max(executed + 1, c.log.base()); r < c.log.limit(); r++) {
      RoundSlots rs = c.log.copy(r);
      if (rs != null && c.log.heldMask(r) != 0) {
        held.add(rs);
      }
    }
    DoViewChange dvc = new DoViewChange(c.views.view(), c.self, c.views.lastNormalView(), executed, List.copyOf(held));
    int coordinator = (int) (c.views.view() % c.replicas);
    if (coordinator == c.self) {
      recordDoViewChange(dvc);
    } else {
      for (DoViewChange part : inParts(dvc)) {
        c.send(coordinator, part);
      }
    }
  }

  void onDoViewChange(DoViewChange m) {
    if (c.status() == Status.RECOVERING || m.rounds() == null || m.executedRound() < 0
        || !ViewChangeParts.validPart(m.part(), m.parts(), c.log.capacity()) || (m.parts() > 1 && m.rounds().isEmpty())) {
      if (c.status() != Status.RECOVERING) {
        c.drop(DropReason.MALFORMED, m);
      }
      return;
    }
    for (RoundSlots rs : m.rounds()) {
      if (rs == null || rs.slots() == null || rs.slots().length != c.replicas || (rs.proposers() & ~c.everyone) != 0) {
        c.drop(DropReason.MALFORMED, m);
        return;
      }
    }
    if (m.view() > c.views.view()) {
      start(m.view());
    }
    if (m.view() != c.views.view() || c.views.view() % c.replicas != c.self) {
      return;
    }
    if (c.views.normalWithStartView()) {
      if (m.part() == 0) {
        c.adoption.sendLastStartView(m.from()); // decided already; it missed the StartView
      }
      return;
    }
    if (c.status() == Status.VIEW_CHANGE) {
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
    if (quorumOfDoViewChangesAtNanos == NEVER && countDoViewChanges() >= c.quorum) {
      quorumOfDoViewChangesAtNanos = c.now;
    }
    maybeDecide();
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
  void maybeDecide() {
    if (c.status() != Status.VIEW_CHANGE || c.views.view() % c.replicas != c.self
        || quorumOfDoViewChangesAtNanos == NEVER || doViewChanges[c.self] == null || c.adoption.adoptingCurrentView()) {
      return; // not the coordinator, no quorum yet, or decided already (adoption deferred)
    }
    boolean everyoneIn = true;
    for (int k = 0; k < c.replicas; k++) {
      if (doViewChanges[k] == null && !c.members[k].unreachable && !c.suspicion.goneSilent(k, startedNanos)) {
        everyoneIn = false;
      }
    }
    if (!everyoneIn && c.now - quorumOfDoViewChangesAtNanos < c.roundTimeout()) {
      return;
    }
    List<DoViewChange> used = new ArrayList<>();
    for (DoViewChange d : doViewChanges) {
      if (d != null) {
        used.add(d);
      }
    }
    assert used.size() >= c.quorum && used.contains(doViewChanges[c.self]) : "a decision without f+1 DoViewChange";
    StartView decision = ViewDecision.decide(c.views.view(), c.self, c.replicas, used, c.mutation);
    if (decision == null || decision.decided().size() >= c.log.capacity()) {
      c.stats.inconsistentViewChanges++;
      quorumOfDoViewChangesAtNanos = NEVER; // no decision in this view: it times out to the next
      doViewChanges = new DoViewChange[c.replicas];
      return;
    }
    for (StartView part : inParts(decision)) {
      c.broadcast(part);
    }
    c.adoption.install(decision);
  }

  List<DoViewChange> inParts(DoViewChange whole) {
    return counted(c.mutation == CoreMutation.WHOLE_VIEW_CHANGE_MESSAGES ? List.of(whole)
        : ViewChangeParts.split(whole, c.config.maxTransferBytes()));
  }

  List<StartView> inParts(StartView whole) {
    return counted(c.mutation == CoreMutation.WHOLE_VIEW_CHANGE_MESSAGES ? List.of(whole)
        : ViewChangeParts.split(whole, c.config.maxTransferBytes()));
  }

  private <M> List<M> counted(List<M> parts) {
    c.stats.viewChangeMessagesInParts += parts.size() > 1 ? 1 : 0;
    return parts;
  }

  @SuppressWarnings("unchecked")
  private ViewChangeParts.Gathering<DoViewChange>[] newDoViewChangeParts() {
    ViewChangeParts.Gathering<DoViewChange>[] parts = new ViewChangeParts.Gathering[c.replicas];
    for (int k = 0; k < c.replicas; k++) {
      parts[k] = new ViewChangeParts.Gathering<>(DoViewChange::sameWholeAs);
    }
    return parts;
  }

  // ---- for Diagnostics
  boolean sentDoViewChange() { return sentDoViewChange; }
  int startViewChanges() { return startViewChanges; }
  boolean quorumOfDoViewChanges() { return quorumOfDoViewChangesAtNanos != NEVER; }

  /** Bit mask of the replicas whose whole DoViewChange this coordinator holds. */
  int doViewChangesFrom() {
    int mask = 0;
    for (int k = 0; k < c.replicas; k++) {
      if (doViewChanges[k] != null) {
        mask |= 1 << k;
      }
    }
    return mask;
  }

  /** DoViewChange messages of which only some parts arrived, as " (parts of k: held/expected)". */
  String partsGathered() {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < c.replicas; k++) {
      if (doViewChangeParts[k].header() != null) {
        b.append(b.length() == 0 ? " (parts of " : ", ").append(k).append(": ")
            .append(doViewChangeParts[k].held()).append('/').append(doViewChangeParts[k].expected());
      }
    }
    return b.length() == 0 ? "" : b.append(')').toString();
  }
}
