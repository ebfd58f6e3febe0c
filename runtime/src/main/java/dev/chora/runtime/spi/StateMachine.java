package dev.chora.runtime.spi;

/**
 * The user's replicated state machine. Every replica applies the same commands in the same order,
 * so {@link #apply} must be deterministic: no clocks, no randomness, no I/O whose result differs
 * between replicas, no iteration over unordered hash structures whose order leaks into results.
 *
 * <p>Replicas compare digests of {@link #snapshot()} at checkpoint rounds, and one whose state
 * differs from a quorum's stops (divergence detection, docs/runtime.md). So a snapshot must write
 * equal states as equal bytes: in a defined order (sorted, or insertion order), never in the order
 * of a hash structure that depends on its capacity or history.
 *
 * <p>Called from one thread at a time (the executor's); implementations need no locking.
 *
 * <p>No method may throw. A command the state machine refuses gets a reply that says so (an error
 * code of the application's own). An exception stops the replica (with the error logged): it is
 * the same on every replica that applies the command, so a deterministic bug stops the group
 * rather than let it vote on while nothing executes. Replies must fit one transport frame
 * ({@code pekko.remote.artery.advanced.maximum-frame-size}); a larger one is answered with
 * {@code REPLY_TOO_LARGE}.
 */
public interface StateMachine {
  /** Applies a committed command and returns the reply for the client that sent it. */
  byte[] apply(byte[] command);

  /** Answers a read without changing state (round-barrier and stale reads). */
  byte[] query(byte[] query);

  /** The whole state, for state transfer to a recovering replica and for log truncation. */
  byte[] snapshot();

  /** Replaces the whole state with one written by {@link #snapshot()}. */
  void restore(byte[] snapshot);
}
