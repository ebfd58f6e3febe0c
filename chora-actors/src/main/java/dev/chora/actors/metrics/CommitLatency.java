package dev.chora.actors.metrics;

import java.util.Arrays;

/**
 * Commit latency of recent rounds: the time from this replica proposing a round to the round's
 * commit, kept for the last {@link #WINDOW} committed rounds. Allocation-free on the hot path; the
 * percentiles sort a copy when asked.
 */
public final class CommitLatency {
  static final int WINDOW = 1024;

  private final long[] enteredAtNanos = new long[WINDOW];
  private final long[] enteredRound = new long[WINDOW];
  private final long[] samplesNanos = new long[WINDOW];
  private int sampleCount;
  private int next;
  private long lastCommittedRound;

  public void roundEntered(long round, long nowNanos) {
    int i = (int) (round % WINDOW);
    enteredRound[i] = round;
    enteredAtNanos[i] = nowNanos;
  }

  public void committed(long commitIndex, long nowNanos) {
    for (long r = Math.max(lastCommittedRound + 1, commitIndex - WINDOW + 1); r <= commitIndex; r++) {
      int i = (int) (r % WINDOW);
      if (enteredRound[i] == r) {
        samplesNanos[next] = nowNanos - enteredAtNanos[i];
        next = (next + 1) % WINDOW;
        sampleCount = Math.min(WINDOW, sampleCount + 1);
      }
    }
    lastCommittedRound = Math.max(lastCommittedRound, commitIndex);
  }

  /** The q-quantile (0..1) in milliseconds over the window, or 0 before any commit. */
  public double quantileMillis(double q) {
    if (sampleCount == 0) {
      return 0;
    }
    long[] copy = Arrays.copyOf(samplesNanos, sampleCount);
    Arrays.sort(copy);
    return copy[(int) Math.min(sampleCount - 1, Math.floor(q * sampleCount))] / 1e6;
  }
}
