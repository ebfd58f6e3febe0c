package dev.chora.actors.metrics;

import java.util.Arrays;

/**
 * Commit latency of recent rounds: the time from this replica proposing a round to the round's
 * commit, kept for the last {@link #WINDOW} committed rounds. Allocation-free on the hot path; the
 * percentiles sort a copy when asked.
 */
public final class CommitLatency {
  static final int WINDOW = 1024;

  private final long[] enteredAt = new long[WINDOW];
  private final long[] enteredRound = new long[WINDOW];
  private final long[] samples = new long[WINDOW];
  private int sampleCount;
  private int next;
  private long lastCommitted;

  public void roundEntered(long round, long nowNanos) {
    int i = (int) (round % WINDOW);
    enteredRound[i] = round;
    enteredAt[i] = nowNanos;
  }

  public void committed(long commitIndex, long nowNanos) {
    for (long r = Math.max(lastCommitted + 1, commitIndex - WINDOW + 1); r <= commitIndex; r++) {
      int i = (int) (r % WINDOW);
      if (enteredRound[i] == r) {
        samples[next] = nowNanos - enteredAt[i];
        next = (next + 1) % WINDOW;
        sampleCount = Math.min(WINDOW, sampleCount + 1);
      }
    }
    lastCommitted = Math.max(lastCommitted, commitIndex);
  }

  /** The q-quantile (0..1) in milliseconds over the window, or 0 before any commit. */
  public double quantileMillis(double q) {
    if (sampleCount == 0) {
      return 0;
    }
    long[] copy = Arrays.copyOf(samples, sampleCount);
    Arrays.sort(copy);
    return copy[(int) Math.min(sampleCount - 1, Math.floor(q * sampleCount))] / 1e6;
  }
}
