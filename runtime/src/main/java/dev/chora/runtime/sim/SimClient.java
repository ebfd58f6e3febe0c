package dev.chora.runtime.sim;

import dev.chora.runtime.sim.check.KvOpType;

/**
 * A simulated client: one operation outstanding at a time, retried with the same seq on another
 * replica when no reply comes within the client timeout.
 */
final class SimClient {
  final int index;
  final long clientId;
  int opsLeft;
  long seq;

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
