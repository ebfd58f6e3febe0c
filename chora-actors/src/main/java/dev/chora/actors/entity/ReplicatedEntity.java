package dev.chora.actors.entity;

/**
 * One entity's state, replicated: every replica applies the same commands in the same order, so
 * {@link #handle} must be deterministic (no clocks, randomness or I/O whose result differs
 * between replicas). Called from one thread at a time.
 */
public interface ReplicatedEntity<C, R> {
  /** Applies a committed command and returns the reply for the caller. */
  R handle(C command);

  /** The entity's whole state, for snapshots and state transfer. */
  byte[] snapshot();

  /** Replaces the state with one written by {@link #snapshot()}. */
  void restore(byte[] snapshot);
}
