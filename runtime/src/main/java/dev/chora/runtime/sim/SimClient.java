package dev.chora.runtime.sim;

import dev.chora.runtime.sim.check.KvOpType;

/**
 * A simulated client: one operation outstanding at a time, retried with the same seq on another
 * replica when no reply comes within the client timeout. Its requests go through the log in a
 * session, opened before the first and again after the replicas answer that it expired.
 */
final class SimClient {
  final int index;
  /** The client's own number (from 1), which its written values carry; not a session id. */
  final long clientId;
  int opsLeft;
  long seq;
  /** The open session's id, or 0 when none is open. */
  long sessionId;
  /** An opening is under way: its answer goes to {@link #openingAddress}. */
  boolean opening;
  /** The negative reply address of the latest opening, one per opening so that late answers to earlier ones miss. */
  long openingAddress;
  int openings;

  boolean outstanding;
  KvCommand command;
  /** True for a round-barrier read, false for anything through the log. */
  boolean barrierRead;
  long invokedAt;
  int attempt;
  int replica;

  SimClient(int index, int ops) {
    this.index = index;
    this.clientId = index + 1;
    this.opsLeft = ops;
  }

  void begin(KvCommand command, boolean barrierRead, long now, int replica) {
    this.command = command;
    this.barrierRead = barrierRead;
    this.invokedAt = now;
    this.attempt = 0;
    this.replica = replica;
    this.outstanding = true;
    this.seq++;
    this.opsLeft--;
  }

  boolean isWrite() {
    return !barrierRead && command.type() != KvOpType.GET;
  }
}
