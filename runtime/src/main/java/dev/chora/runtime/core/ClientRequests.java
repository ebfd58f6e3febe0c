package dev.chora.runtime.core;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.Request;
import java.util.HashMap;
import java.util.Map;

/**
 * Client requests on their way into this replica's proposals: admission (size, status, overload),
 * the queue of those waiting for a round, and the requests queued or proposed here and not yet
 * executed, which absorb a client's retries.
 *
 * <p>Invariant: a client has at most one request in flight here, and it is queued or in a slot
 * this replica proposed and has not executed (or a view change cleared the record) — or, under
 * the {@code leader} proposer policy (a baseline, see {@link ProposerPolicy}), forwarded to the
 * leader and not executed yet. There a follower forwards each request it admits at once and
 * keeps none queued in NORMAL status; the leader queues the forwarded requests with its own,
 * within the same bounds, and refuses those that do not fit back to the forwarding replica.
 */
final class ClientRequests {
  private final CoreContext c;
  private final RequestQueue queue;
  /** clientId → a request queued or proposed here and not yet executed: absorbs retries, times its path. */
  private final Map<Long, InFlight> inFlight = new HashMap<>();
  /** Of those, how many are proposed: kept with every change to the map. */
  private int proposedNotExecuted;

  /** A request admitted here: its seq, when it arrived, and whether and when a round took it. */
  private static final class InFlight {
    final long seq;
    final long admittedNanos;
    long proposedNanos;
    boolean proposed;

    InFlight(long seq, long admittedNanos) {
      this.seq = seq;
      this.admittedNanos = admittedNanos;
    }
  }

  ClientRequests(CoreContext c) {
    this.c = c;
    this.queue = new RequestQueue(c.config.maxQueuedRequests(), c.config.maxQueuedBytes());
  }

  /** Queues a request or refuses it; returns whether it was queued (the core then makes progress). */
  boolean submit(Request request) {
    if (request.sizeBytes() > c.config.maxRequestBytes()) {
      c.out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.REQUEST_TOO_LARGE));
      return false;
    }
    if (c.status() == Status.RECOVERING || (c.status() == Status.NORMAL && !c.isActive(c.self))) {
      c.out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.NOT_ACTIVE));
      return false;
    }
    InFlight pending = inFlight.get(request.clientId());
    if (pending != null && pending.seq == request.seq()) {
      c.stats.duplicateSubmits++; // still queued or in flight here: its execution will answer
      if (forwardsToLeader()) {
        // The forward may have been lost: the leader absorbs it if it still holds the first.
        forward(request);
      }
      return false;
    }
    if (forwardsToLeader()) {
      if (inFlight.size() >= c.config.maxClients() && !inFlight.containsKey(request.clientId())) {
        // A lost forward whose client never came back leaves its record here until a view change.
        // At a follower every record is a forward's, and forgetting one only means a retry is
        // forwarded again and a leader's refusal of it is not passed on (the client times out).
        untrackAll();
      }
      track(request.clientId(), new InFlight(request.seq(), c.now));
      forward(request);
      return false;
    }
    if (!queue.offer(request)) {
      c.stats.overloaded++;
      c.out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.OVERLOADED));
      return false;
    }
    track(request.clientId(), new InFlight(request.seq(), c.now));
    return true;
  }

  /**
   * Under the {@code leader} policy, in NORMAL status and active but not the leader: this replica
   * proposes no requests and hands its clients' requests to the leader. (In a view change it
   * queues them, and hands them on when the next view is installed: see {@link #viewInstalled}.)
   */
  private boolean forwardsToLeader() {
    return c.config.proposers() == ProposerPolicy.LEADER && c.status() == Status.NORMAL && c.isActive(c.self)
        && ProposerPolicy.leader(c.views.activeSet()) != c.self;
  }

  private void forward(Request request) {
    c.stats.requestsForwarded++;
    c.send(ProposerPolicy.leader(c.views.activeSet()), new ForwardedRequest(c.views.view(), c.self, request));
  }

  /**
   * The leader takes a request a follower forwarded: queued with its own clients' (absorbed if it
   * already holds it), or refused back to the follower when the queue is full. Returns whether it
   * was queued. Anything else (not the leader in this view, malformed) is dropped: the client's
   * retry at the follower forwards it again.
   */
  boolean onForwarded(ForwardedRequest m) {
    Request request = m.request();
    if (request == null) {
      c.drop(DropReason.MALFORMED, m);
      return false;
    }
    if (request.sizeBytes() > c.config.maxRequestBytes()) {
      c.drop(DropReason.OVERSIZED, m);
      return false;
    }
    if (c.config.proposers() != ProposerPolicy.LEADER || ProposerPolicy.leader(c.views.activeSet()) != c.self) {
      c.drop(DropReason.MALFORMED, m); // same view, so the sender knows the same leader: not from a correct peer
      return false;
    }
    InFlight pending = inFlight.get(request.clientId());
    if (pending != null && pending.seq == request.seq()) {
      c.stats.duplicateSubmits++;
      return false;
    }
    if (!queue.offer(request)) {
      c.stats.overloaded++;
      c.send(m.from(), new ForwardRefused(c.views.view(), c.self, request.clientId(), request.seq(),
          ClientReply.Status.OVERLOADED));
      return false;
    }
    track(request.clientId(), new InFlight(request.seq(), c.now));
    return true;
  }

  /** The leader refused a request forwarded from here: the client hears it, as if refused here. */
  void onForwardRefused(ForwardRefused m) {
    if (m.status() != ClientReply.Status.OVERLOADED || m.from() != ProposerPolicy.leader(c.views.activeSet())) {
      c.drop(DropReason.MALFORMED, m);
      return;
    }
    InFlight pending = inFlight.get(m.clientId());
    if (pending == null || pending.seq != m.seq()) {
      return; // answered or moved on meanwhile
    }
    untrack(m.clientId());
    c.out.reply(ClientReply.refused(m.clientId(), m.seq(), m.status()));
  }

  /**
   * A view was installed and this replica is active in it. Under the {@code leader} policy a
   * replica that is not the new view's leader hands what it queued (during the view change, or as
   * the old leader) to the new one: nothing waits here for a turn that never comes. The requests
   * stay in flight here, as forwarded ones, so that the replicas that admitted them answer.
   */
  void viewInstalled() {
    if (!forwardsToLeader()) {
      return;
    }
    for (Request r : queue.takeBatch(Integer.MAX_VALUE, Integer.MAX_VALUE).requests()) {
      track(r.clientId(), new InFlight(r.seq(), c.now));
      forward(r);
    }
  }

  /**
   * The requests of this replica's proposal for {@code round}: in arrival order up to the batch
   * limits, or none when the proposer policy gives this round's requests to another replica.
   */
  Batch takeBatch(long round) {
    if (!c.config.proposers().mayPropose(c.self, round, c.views.activeSet(), c.views.firstRound())) {
      return Batch.EMPTY;
    }
    Batch batch = queue.takeBatch(c.config.maxBatchBytes(), c.config.maxBatchRequests());
    for (Request r : batch.requests()) {
      InFlight pending = inFlight.get(r.clientId());
      if (pending != null && pending.seq == r.seq()) {
        markProposed(pending);
      }
    }
    return batch;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Whether a request this replica admitted is proposed (by this replica, or under the leader
   * baseline by the leader) and not yet executed here: its commit may wait for acknowledgements
   * that only a next round brings. A forward still on its way, or lost, does not count: rounds at
   * full pace would not bring it.
   */
  boolean awaitingExecution() {
    return proposedNotExecuted > 0;
  }

  /** Under the leader baseline: the leader's slot holds requests, some perhaps forwarded from here. */
  void proposedElsewhere(Batch batch) {
    if (inFlight.isEmpty()) {
      return;
    }
    for (Request r : batch.requests()) {
      InFlight pending = inFlight.get(r.clientId());
      if (pending != null && pending.seq == r.seq()) {
        markProposed(pending);
      }
    }
  }

  private void markProposed(InFlight pending) {
    if (!pending.proposed) {
      pending.proposed = true;
      pending.proposedNanos = c.now;
      proposedNotExecuted++;
    }
  }

  private void track(long clientId, InFlight record) {
    InFlight replaced = inFlight.put(clientId, record);
    if (replaced != null && replaced.proposed) {
      proposedNotExecuted--;
    }
  }

  private void untrack(long clientId) {
    InFlight removed = inFlight.remove(clientId);
    if (removed != null && removed.proposed) {
      proposedNotExecuted--;
    }
  }

  private void untrackAll() {
    inFlight.clear();
    proposedNotExecuted = 0;
  }

  int queued() {
    return queue.size();
  }

  /**
   * This replica's own slot was executed: its requests are no longer in flight here. Each adds its
   * wait for a round and its replication (proposal to execution) to the request-path figures.
   */
  void executed(Batch batch) {
    for (Request r : batch.requests()) {
      InFlight pending = inFlight.get(r.clientId());
      if (pending != null && pending.seq == r.seq()) {
        untrack(r.clientId());
        if (pending.proposed) {
          c.stats.requestsTimed++;
          c.stats.requestWaitNanos += pending.proposedNanos - pending.admittedNanos;
          c.stats.requestReplicationNanos += c.now - pending.proposedNanos;
        }
      }
    }
  }

  /**
   * Forgets every request in flight: after a view change (the new view may have replaced their
   * slots) or a snapshot install (they may be inside it, executed without a reply from here), their
   * retries must get through, to be proposed again or answered from the client table.
   */
  void forgetInFlight() {
    untrackAll();
  }

  /** Outside the active set: nothing waiting here will be proposed, so refuse it all. */
  void refuseWaiting() {
    Batch waiting = queue.takeBatch(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (Request r : waiting.requests()) {
      c.out.reply(ClientReply.refused(r.clientId(), r.seq(), ClientReply.Status.NOT_ACTIVE));
    }
  }
}
