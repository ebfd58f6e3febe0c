package dev.chora.examples.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear latency histogram in microseconds: exact below 64 µs, then 32 buckets per
 * power of two (at most about 3% error), up to about 290,000 years. Safe to record from many
 * threads; {@link #snapshotAndReset()} gives a per-interval copy.
 */
public final class LatencyHistogram {
  private static final int SUB = 64;
  private static final int HALF = 32;
  private static final int BUCKETS = SUB + (63 - 6) * HALF;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong max = new AtomicLong();

  static int index(long micros) {
    if (micros < SUB) {
      return (int) Math.max(0, micros);
    }
    int e = 63 - Long.numberOfLeadingZeros(micros);
    int shift = e - 5;
    return SUB + (e - 6) * HALF + (int) ((micros >> shift) - HALF);
  }

  /** A representative value (the middle) of bucket {@code i}, in microseconds. */
  static long valueAt(int i) {
    if (i < SUB) {
      return i;
    }
    int e = (i - SUB) / HALF + 6;
    int shift = e - 5;
    long m = (i - SUB) % HALF + HALF;
    return (m << shift) + ((1L << shift) >> 1);
  }

  public void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    counts.incrementAndGet(index(micros));
    total.incrementAndGet();
    max.accumulateAndGet(micros, Math::max);
  }

  public long count() {
    return total.get();
  }

  /** The largest value recorded, exactly, in milliseconds. */
  public double maxMillis() {
    return max.get() / 1_000.0;
  }

  /** The {@code q} quantile (0..1) in milliseconds; 0 when empty. */
  public double percentileMillis(double q) {
    long n = total.get();
    if (n == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return Math.min(valueAt(i), max.get()) / 1_000.0;
      }
    }
    return max.get() / 1_000.0;
  }

  /** Adds every count of {@code other} to this one. */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      long c = other.counts.get(i);
      if (c != 0) {
        counts.addAndGet(i, c);
      }
    }
    total.addAndGet(other.total.get());
    max.accumulateAndGet(other.max.get(), Math::max);
  }

  /** A copy of the counts so far, and this histogram emptied (records racing with it land in one or the other). */
  public LatencyHistogram snapshotAndReset() {
    LatencyHistogram copy = new LatencyHistogram();
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long c = counts.getAndSet(i, 0);
      if (c != 0) {
        copy.counts.set(i, c);
        n += c;
      }
    }
    total.addAndGet(-n);
    copy.total.set(n);
    copy.max.set(max.getAndSet(0));
    return copy;
  }
}
