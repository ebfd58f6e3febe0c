package dev.chora.examples.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Client latencies in microseconds, an HdrHistogram: three significant digits (at most 0.1% error)
 * at any magnitude, growing its range as larger values come. Safe to record from many threads
 * without locks (a {@link Recorder}); {@link #snapshotAndReset()} gives a per-interval copy. The
 * largest value is kept exactly beside it.
 */
public final class LatencyHistogram {
  private static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  private final AtomicLong max = new AtomicLong();
  /** What the recorder has handed over so far; guarded by this. */
  private final Histogram settled = new Histogram(SIGNIFICANT_DIGITS);
  /** The recorder's inactive half, reused so that reading allocates nothing; guarded by this. */
  private Histogram spare;

  public void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    recorder.recordValue(micros);
    max.accumulateAndGet(micros, Math::max);
  }

  /** Moves what the recorder took since the last call into {@link #settled}. */
  private synchronized Histogram settled() {
    spare = recorder.getIntervalHistogram(spare);
    settled.add(spare);
    return settled;
  }

  public synchronized long count() {
    return settled().getTotalCount();
  }

  /** The largest value recorded, exactly, in milliseconds. */
  public double maxMillis() {
    return max.get() / 1_000.0;
  }

  /** The mean in milliseconds (HdrHistogram's, within its 0.1%); 0 when empty. */
  public synchronized double meanMillis() {
    Histogram h = settled();
    return h.getTotalCount() == 0 ? 0 : h.getMean() / 1_000.0;
  }

  /** The {@code q} quantile (0..1) in milliseconds; 0 when empty. */
  public synchronized double percentileMillis(double q) {
    Histogram h = settled();
    if (h.getTotalCount() == 0) {
      return 0;
    }
    return Math.min(h.getValueAtPercentile(q * 100), max.get()) / 1_000.0;
  }

  /** Adds every count of {@code other} to this one. */
  public void add(LatencyHistogram other) {
    Histogram copy;
    synchronized (other) {
      copy = other.settled().copy();
    }
    synchronized (this) {
      settled().add(copy);
    }
    max.accumulateAndGet(other.max.get(), Math::max);
  }

  /** A copy of the counts so far, and this histogram emptied (records racing with it land in one or the other). */
  public synchronized LatencyHistogram snapshotAndReset() {
    LatencyHistogram copy = new LatencyHistogram();
    copy.settled.add(settled());
    settled.reset();
    copy.max.set(max.getAndSet(0));
    return copy;
  }
}
