package dev.chora.actors.replica;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.slf4j.Logger;

/**
 * Warns about snapshots that held the executor long enough to matter, as etcd warns about an apply
 * that took too long. A snapshot is written on the executor's thread every snapshot-every-rounds
 * rounds; where the executor shares a thread with the replica (local clusters, see LocalCluster)
 * the replica sends nothing meanwhile, and a pause near suspect-after-max gets it suspected by its
 * peers: a view change with every member alive, the peers' logs naming it silent at a round just
 * past a snapshot. The CPU time beside the wall time tells a large state (both high) from a busy
 * host (CPU low).
 */
final class SlowSnapshots {
  /** Half of suspect-after-max's default: a pause that long is one a peer may take for a death. */
  static final long SLOW_NANOS = 50_000_000L;
  /** At most one line per this interval, with the count of the slow ones in between. */
  static final long REPORT_INTERVAL_NANOS = 10_000_000_000L;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long unreported;
  private long longestNanos;
  private long lastReportNanos;
  private boolean reported;

  /** The current thread's CPU time, or -1 where the JVM does not measure it. */
  static long cpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  /**
   * Records a snapshot that took {@code wallNanos} (and {@code cpuNanos} of this thread's CPU, -1
   * if unknown); returns true if it was reported now.
   */
  boolean taken(Logger log, int self, long round, int bytes, long wallNanos, long cpuNanos, long nowNanos) {
    if (wallNanos < SLOW_NANOS) {
      return false;
    }
    unreported++;
    longestNanos = Math.max(longestNanos, wallNanos);
    if (reported && nowNanos - lastReportNanos < REPORT_INTERVAL_NANOS) {
      return false;
    }
    log.warn("replica {}: the snapshot at round {} took {} ms ({} ms of CPU) for {} bytes; {} of {} ms or more"
        + " since the last report, the longest {} ms. The executor answers nothing meanwhile, and where it"
        + " shares the replica's thread the replica sends nothing either: keep the state machine's snapshot"
        + " cheap, raise snapshot-every-rounds, or give the executor a dispatcher of its own", self, round,
        wallNanos / 1_000_000, cpuNanos < 0 ? "?" : cpuNanos / 1_000_000, bytes, unreported,
        SLOW_NANOS / 1_000_000, longestNanos / 1_000_000);
    reported = true;
    lastReportNanos = nowNanos;
    unreported = 0;
    longestNanos = 0;
    return true;
  }
}
