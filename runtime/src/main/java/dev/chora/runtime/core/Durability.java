package dev.chora.runtime.core;

import dev.chora.runtime.message.PeerMessage;
import java.util.ArrayDeque;

/**
 * The durable mode's side of the core (DESIGN §7; etcd raft's Ready/Advance): numbers the
 * {@link LogEntry log entries} the core emits, learns from storage which are on disk, and holds
 * back what must wait for them. In memory mode it emits nothing and holds nothing back.
 *
 * <p>Two rules, both about what a message claims (docs/protocol.md, "Durable mode"):
 * <ul>
 *   <li>an acknowledgement covers only slots whose entries are persisted — the own row of the ack
 *       matrix advances over a slot only when {@link #isDurable} says so ({@link Replication});
 *   <li>a message sent after a promise (a DoViewChange, a decided StartView accepted) or an
 *       adoption (installing a view) leaves only once the {@link LogEntry.ViewRecord} recording it,
 *       and every entry before it, is persisted: {@link #barrier} marks the point, {@link #send}
 *       holds every later message, in order, until storage reaches it.
 * </ul>
 * Invariants: {@code persistedSeq <= emitted}; both only grow; held messages are kept only while
 * {@code barrier > persistedSeq}, and leave in the order they were sent.
 */
final class Durability {
  /** Messages held at a barrier beyond this are a replica whose disk has stopped: drop the oldest rather than grow. */
  static final int MAX_HELD_MESSAGES = 65_536;

  private record Held(int to, PeerMessage message) {}

  private final CoreContext c;
  private final boolean on;
  private long emitted;
  private long persistedSeq;
  private long barrier;
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  Durability(CoreContext c) {
    this.c = c;
    this.on = c.config.durable();
  }

  boolean on() { return on; }
  long emitted() { return emitted; }
  long persistedSeq() { return persistedSeq; }

  /** A new start: the first view record, so that storage holding anything also holds the view state. */
  void start() {
    if (on) {
      emit(c.views.record());
    }
  }

  /** After a restart: entry numbers continue from the highest on disk, all of which are persisted. */
  void restartAt(long nextSeq) {
    emitted = nextSeq - 1;
    persistedSeq = emitted;
    barrier = emitted;
  }

  /** Hands an entry to storage; returns its number (0 in memory mode, where everything counts as durable). */
  long emit(LogEntry entry) {
    if (!on) {
      return 0;
    }
    emitted++;
    c.out.persist(entry);
    return emitted;
  }

  /** Whether the entry numbered {@code seq} is on disk (always, in memory mode). */
  boolean isDurable(long seq) {
    return seq <= persistedSeq || !on || c.mutation == CoreMutation.ACK_BEFORE_SYNC;
  }

  /** Every message sent from here on waits until every entry emitted so far is persisted. */
  void barrier() {
    if (on && c.mutation != CoreMutation.SEND_BEFORE_VIEW_SYNC) {
      barrier = emitted;
    }
  }

  /** Sends now, or holds the message behind the barrier. */
  void send(int to, PeerMessage message) {
    if (barrier <= persistedSeq) {
      c.out.send(to, message);
      return;
    }
    if (held.size() >= MAX_HELD_MESSAGES) {
      held.pollFirst(); // messages may be lost anyway; a replica whose disk stopped must not grow without bound
    }
    held.addLast(new Held(to, message));
  }

  /**
   * Storage has persisted every entry through {@code seq}. Returns whether this replica's own
   * acknowledgements advanced (they ride the next round message, or an ack message if no round is
   * entered now: see ReplicaCore.persisted).
   */
  boolean persisted(long seq) {
    if (!on || seq <= persistedSeq) {
      return false;
    }
    assert seq <= emitted : "storage reports entry " + seq + " on disk, but only " + emitted + " were emitted";
    persistedSeq = Math.min(seq, emitted);
    while (!held.isEmpty() && barrier <= persistedSeq) {
      Held h = held.pollFirst();
      c.out.send(h.to(), h.message());
    }
    long before = ownAckSum();
    c.replication.advanceOwnAcks();
    return ownAckSum() != before;
  }

  private long ownAckSum() {
    long sum = 0;
    for (int j = 0; j < c.replicas; j++) {
      sum += c.acks.get(c.self, j);
    }
    return sum;
  }
}
