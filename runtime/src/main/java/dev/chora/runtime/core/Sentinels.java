package dev.chora.runtime.core;

/**
 * Round numbering and the one value each kind of field uses for "none". A round field that counts
 * "through round r" starts at {@link #BEFORE_FIRST_ROUND} (nothing yet, a real position); a field
 * that may name no round at all holds {@link #NO_ROUND}; likewise {@link #NO_VIEW},
 * {@link #NO_REPLICA} and, for points in time, {@link #NEVER}.
 */
final class Sentinels {
  private Sentinels() {}

  /** s_v of the first view. */
  static final long FIRST_ROUND = 1;
  /** "Through no round yet": what commit index, execution and acknowledgements start from. */
  static final long BEFORE_FIRST_ROUND = FIRST_ROUND - 1;
  /** No round: no snapshot asked for, none arriving, a member never added back or removed. */
  static final long NO_ROUND = -1;
  /** No view: a recovering replica's view, a promise not yet made, a recovery fence not yet known. */
  static final long NO_VIEW = -1;
  /** No replica: no candidate, no preferred source. */
  static final int NO_REPLICA = -1;
  /** A point in time that has not happened (never heard, not stalled, no quorum yet). */
  static final long NEVER = Long.MIN_VALUE;
}
