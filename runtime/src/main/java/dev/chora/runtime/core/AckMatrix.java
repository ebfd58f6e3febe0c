package dev.chora.runtime.core;

/**
 * acks[k][j]: the highest round R such that replica k holds every slot of proposer j up to R, as
 * last heard from k (element-wise max: acknowledgements only grow). Row {@code self} is this
 * replica's own, kept exact by the core.
 *
 * <p>Invariant, asserted where it changes: within a view, acknowledgements only grow ({@link #set}
 * and {@link #merge} never lower one); only {@link #reset}, at a new view, starts them again.
 */
final class AckMatrix {
  private final long[][] acks;
  private final int quorum;
  private final long[] scratch;

  AckMatrix(int replicas, int quorum, long initial) {
    this.acks = new long[replicas][replicas];
    for (long[] row : acks) {
      java.util.Arrays.fill(row, initial);
    }
    this.quorum = quorum;
    this.scratch = new long[replicas];
  }

  long get(int replica, int proposer) {
    return acks[replica][proposer];
  }

  void set(int replica, int proposer, long round) {
    assert round >= acks[replica][proposer] : "an acknowledgement falls: " + acks[replica][proposer] + " -> " + round;
    acks[replica][proposer] = round;
  }

  /** A new view: acknowledgements start again from its first round. */
  void reset(long round) {
    for (long[] row : acks) {
      java.util.Arrays.fill(row, round);
    }
  }

  long[] copyOfRow(int replica) {
    return acks[replica].clone();
  }

  /** Merges a peer's vector: element-wise max, so an older, reordered vector changes nothing. */
  void merge(int replica, long[] vector) {
    long[] row = acks[replica];
    for (int j = 0; j < row.length; j++) {
      if (vector[j] > row[j]) {
        row[j] = vector[j];
      }
    }
  }

  /**
   * The highest round through which proposer j's slots are committed: the quorum-th largest
   * acknowledgement for j, i.e. the highest R that at least f+1 replicas hold through.
   */
  long committedThrough(int proposer) {
    for (int k = 0; k < acks.length; k++) {
      scratch[k] = acks[k][proposer];
    }
    java.util.Arrays.sort(scratch);
    return scratch[scratch.length - quorum];
  }

  /** The highest round any replica says it holds of proposer j. */
  long highestAck(int proposer) {
    long max = Long.MIN_VALUE;
    for (long[] row : acks) {
      max = Math.max(max, row[proposer]);
    }
    return max;
  }
}
