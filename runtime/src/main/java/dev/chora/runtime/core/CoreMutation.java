package dev.chora.runtime.core;

/**
 * Deliberate bugs, switched on only by the simulator's mutation tests to show that its checkers
 * catch real mistakes. {@link #NONE} is the only value production code ever uses.
 */
public enum CoreMutation {
  NONE,
  /** Executes a committed slot this replica lacks as if it were empty, instead of fetching it. */
  SKIP_MISSING_SLOTS,
  /** Answers round-barrier reads at once from local state, without waiting for the barrier. */
  READ_WITHOUT_BARRIER,
  /** The executor applies retried requests again instead of answering from the client table. */
  NO_CLIENT_TABLE,
  /** Never answers slot requests, so a lost proposal is never recovered. */
  IGNORE_SLOT_REQUESTS
}
