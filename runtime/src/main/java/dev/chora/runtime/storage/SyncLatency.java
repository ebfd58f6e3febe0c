package dev.chora.runtime.storage;

import java.util.SplittableRandom;

/**
 * How long a simulated sync takes: a base plus uniform jitter, and now and then a spike (a
 * journal commit, a device cache flush, a neighbour's burst), which is what makes the p99 of a
 * real fdatasync twenty times its p50. The simulator draws one per sync and completes the sync
 * that much later in simulated time.
 *
 * @param baseNanos        the least a sync takes
 * @param jitterNanos      uniform extra on every sync, in [0, jitterNanos)
 * @param spikeProbability the share of syncs that also get a spike
 * @param spikeMaxNanos    a spike adds a uniform extra in [0, spikeMaxNanos)
 */
public record SyncLatency(long baseNanos, long jitterNanos, double spikeProbability, long spikeMaxNanos) {

  /** Close to the root disk measured for issue 24: about 0.16 ms at p50 and 3 ms at p99. */
  public static final SyncLatency SSD = new SyncLatency(100_000, 120_000, 0.02, 6_000_000);

  /** Syncs that cost nothing (the paper's diskless mode, or tmpfs). */
  public static final SyncLatency NONE = new SyncLatency(0, 0, 0, 0);

  public SyncLatency {
    if (baseNanos < 0 || jitterNanos < 0 || spikeMaxNanos < 0 || !(spikeProbability >= 0 && spikeProbability <= 1)) {
      throw new IllegalArgumentException("sync latency needs non-negative times and a probability in [0, 1]: " + this);
    }
  }

  long draw(SplittableRandom random) {
    long nanos = baseNanos + (jitterNanos > 0 ? random.nextLong(jitterNanos) : 0);
    if (spikeMaxNanos > 0 && random.nextDouble() < spikeProbability) {
      nanos += random.nextLong(spikeMaxNanos);
    }
    return nanos;
  }
}
