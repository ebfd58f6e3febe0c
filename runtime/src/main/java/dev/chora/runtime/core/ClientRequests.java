package dev.chora.runtime.core;

import dev.chora.runtime.core.ReplicaCore.Status;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.util.HashMap;
import java.util.Map;

/**
 * Client requests on their way into this replica's proposals: admission (size, status, overload),
 * the queue of those waiting for a round, and the requests queued or proposed here and not yet
 * executed, which absorb a client's retries.
 *
 * <p>Invariant: a client has at most one request in flight here, and it is queued or in a slot
 * this replica proposed and has not executed (or a view change cleared the record).
 */
final class ClientRequests {
  private final CoreContext c;
  private final RequestQueue queue;
  /** clientId → a request queued or proposed here and not yet executed: absorbs retries, times its path. */
  private final Map<Long, InFlight> inFlight = new HashMap<>();

  /** A request admitted here: its seq, when it arrived, and when a round took it (0 while queued). */
  private static final class InFlight {
    final long seq;
    final long admittedNanos;
    long proposedNanos;

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
      return false;
    }
    if (!queue.offer(request)) {
      c.stats.overloaded++;
      c.out.reply(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.OVERLOADED));
      return false;
    }
    inFlight.put(request.clientId(), new InFlight(request.seq(), c.now));
    return true;
  }

  /** The requests of this replica's next proposal, in arrival order up to the batch limits. */
  Batch takeBatch() {
    Batch batch = queue.takeBatch(c.config.maxBatchBytes(), c.config.maxBatchRequests());
    for (Request r : batch.requests()) {
      InFlight pending = inFlight.get(r.clientId());
      if (pending != null && pending.seq == r.seq()) {
        pending.proposedNanos = c.now;
      }
    }
    return batch;
  }

  boolean isEmpty() {
    return queue.isEmpty();
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
        inFlight.remove(r.clientId());
        if (pending.proposedNanos != 0) {
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
    inFlight.clear();
  }

  /** Outside the active set: nothing waiting here will be proposed, so refuse it all. */
  void refuseWaiting() {
    Batch waiting = queue.takeBatch(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (Request r : waiting.requests()) {
      c.out.reply(ClientReply.refused(r.clientId(), r.seq(), ClientReply.Status.NOT_ACTIVE));
    }
  }
}
