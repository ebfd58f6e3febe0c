package dev.chora.actors.metrics;

import org.HdrHistogram.Histogram;

/**
 * Commit latency of recent rounds: the time from this replica proposing a round to the round's
 * commit, in HdrHistogram buckets of microseconds (two significant digits, 1% at most). Recent
 * means the last {@link #WINDOW} to {@code 2 * WINDOW} committed rounds: samples go into the
 * current histogram, which, once it holds {@link #WINDOW}, becomes the previous one and the older
 * is emptied for reuse. Allocation-free when recording; a read merges the two histograms.
 */
public final class CommitLatency {
  static final int WINDOW = 1024;
  /** Longer than any commit; a larger sample is counted as this. */
  private static final long HIGHEST_MICROS = 3_600_000_000L;
  private static final int SIGNIFICANT_DIGITS = 2;

  private final long[] enteredAtNanos = new long[WINDOW];
  private final long[] enteredRound = new long[WINDOW];
  private Histogram current = newHistogram();
  private Histogram previous = newHistogram();
  private final Histogram merged = newHistogram();
  private long lastCommittedRound;

  private static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
  }

  public void roundEntered(long round, long nowNanos) {
    int i = (int) (round % WINDOW);
    enteredRound[i] = round;
    enteredAtNanos[i] = nowNanos;
  }

  public void committed(long commitIndex, long nowNanos) {
    for (long r = Math.max(lastCommittedRound + 1, commitIndex - WINDOW + 1); r <= commitIndex; r++) {
      int i = (int) (r % WINDOW);
      if (enteredRound[i] == r) {
        record(nowNanos - enteredAtNanos[i]);
      }
    }
    lastCommittedRound = Math.max(lastCommittedRound, commitIndex);
  }

  private void record(long nanos) {
    if (current.getTotalCount() >= WINDOW) {
      Histogram older = previous;
      previous = current;
      current = older;
      current.reset();
    }
    current.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1_000)));
  }

  /** The q-quantile (0..1) in milliseconds over the recent rounds, or 0 before any commit. */
  public double quantileMillis(double q) {
    merged.reset();
    merged.add(previous);
    merged.add(current);
    if (merged.getTotalCount() == 0) {
      return 0;
    }
    return merged.getValueAtPercentile(q * 100) / 1e3;
  }
}
