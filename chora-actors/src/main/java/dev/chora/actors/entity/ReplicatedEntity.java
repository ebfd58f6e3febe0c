package dev.chora.actors.entity;

/**
 * One entity's state, replicated: every replica applies the same commands in the same order, so
 * {@link #handle} must be deterministic (no clocks, randomness or I/O whose result differs
 * between replicas). Called from one thread at a time.
 */
public interface ReplicatedEntity<C, R> {
  /**
   * Applies a committed command and returns the reply for the caller. An exception (checked ones
   * too) fails the caller's ask with {@link EntityCommandFailedException} and nothing else: what
   * the entity changed before it threw stays changed, alike on every replica, and the group goes
   * on. Refusing a command by throwing is fine; throwing from {@link #snapshot} or {@link #restore}
   * is not (they have no caller to answer: the replica stops).
   */
  R handle(C command);

  /**
   * Answers a read ({@link EntityRef#askRead}) without changing anything: it runs on one replica
   * only, once every command committed before the read arrived has been applied there (a
   * round-barrier read, linearizable without going through the log). The default refuses reads.
   */
  default R query(C query) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " answers no reads: send the query with ask");
  }

  /** The entity's whole state, for snapshots and state transfer. */
  byte[] snapshot();

  /** Replaces the state with one written by {@link #snapshot()}. */
  void restore(byte[] snapshot);
}
