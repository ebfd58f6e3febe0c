package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import java.util.Arrays;

/**
 * The loosened round length (DESIGN §4): the round timeout follows how late peers' round messages
 * actually arrive, so that a host whose delays have a long tail (a busy machine, GC pauses, a
 * slower link) does not turn every tail delay into a synchrony violation — and, after
 * suspect-after-rounds of them, into a view change that costs far more than the wait.
 *
 * <p>Each sample is the lag of a peer's round-r message behind this replica's entry into round r
 * (zero when it came first). The timeout is {@link #FACTOR} times the {@link #PERCENTILE} of the
 * last {@link #WINDOW} samples, kept within [round-timeout, round-timeout-max]. A member that
 * sends nothing adds no samples, so it cannot stretch the timeout: failure detection goes by its
 * silence (see Suspicion). Deterministic (time comes from the caller), and
 * only liveness reads it.
 */
final class RoundTimer {
  /** Lag samples the percentile is taken over: a few hundred rounds of every peer. */
  static final int WINDOW = 1024;
  /** How often (in samples) the timeout is recomputed; sorting a window copy costs microseconds. */
  static final int RECOMPUTE_EVERY = 128;
  static final double PERCENTILE = 0.99;
  static final long FACTOR = 2;
  /** Rounds whose entry time is remembered: later messages of older rounds are not sampled. */
  private static final int ENTRY_RING = 64;

  private final long floorNanos;
  private final long ceilingNanos;
  private final long[] samples = new long[WINDOW];
  private final long[] sorted = new long[WINDOW];
  private final long[] entryRound = new long[ENTRY_RING];
  private final long[] entryNanos = new long[ENTRY_RING];
  private int count;
  private int next;
  private long timeoutNanos;

  RoundTimer(long floorNanos, long ceilingNanos) {
    this.floorNanos = floorNanos;
    this.ceilingNanos = ceilingNanos;
    this.timeoutNanos = floorNanos;
    Arrays.fill(entryRound, NO_ROUND);
  }

  /** The round timeout to use now. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  void entered(long round, long nowNanos) {
    int i = (int) (round % ENTRY_RING);
    entryRound[i] = round;
    entryNanos[i] = nowNanos;
  }

  /** A peer's message for {@code round} arrived at {@code nowNanos}. */
  void arrived(long round, long nowNanos) {
    if (floorNanos == ceilingNanos) {
      return; // adaptation off
    }
    int i = (int) (round % ENTRY_RING);
    long lag;
    if (entryRound[i] == round) {
      lag = Math.max(0, nowNanos - entryNanos[i]);
    } else if (round > entryRound[i]) {
      lag = 0; // not entered yet here: the peer is ahead, nothing waited for it
    } else {
      return; // too old to tell
    }
    samples[next] = lag;
    next = (next + 1) % WINDOW;
    count++;
    if (count % RECOMPUTE_EVERY == 0) {
      recompute();
    }
  }

  private void recompute() {
    int n = Math.min(count, WINDOW);
    System.arraycopy(samples, 0, sorted, 0, n);
    Arrays.sort(sorted, 0, n);
    long high = sorted[Math.min(n - 1, (int) Math.ceil(PERCENTILE * n) - 1)];
    timeoutNanos = Math.max(floorNanos, Math.min(ceilingNanos, high * FACTOR));
  }
}
