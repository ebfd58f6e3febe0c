package dev.chora.multijvm.faults;

import dev.chora.actors.ReplicaStatus;
import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Samples the commit index of the replicas that survive a kill, as fast as their control channels
 * answer, to time when commits resume at the others. Each sample carries the replica's own
 * {@code System.nanoTime()} (ReplicaStatus.sampledAtNanos); on Linux that is CLOCK_MONOTONIC, one
 * clock for every process of the host, so it compares with the test JVM's time of the kill.
 */
final class CommitProbe implements AutoCloseable {
  private record Sample(int node, long atNanos, long view, long commitIndex, boolean normal, int activeSet) {}

  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  CommitProbe(ChoraCluster cluster, List<Integer> survivors) {
    thread = new Thread(() -> {
      int i = 0;
      while (running) {
        int id = survivors.get(i++ % survivors.size());
        ChoraNode n = cluster.node(id);
        try {
          ReplicaStatus s = n.status();
          synchronized (samples) {
            samples.add(new Sample(id, s.sampledAtNanos(), s.view().number(), s.progress().commitIndex(),
                s.view().isNormal(), s.view().activeSet()));
          }
        } catch (RuntimeException e) {
          // a survivor busy or slow: sample the next one
        }
      }
    }, "commit-probe");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Milliseconds from {@code killNanos} until commits resumed without {@code victim}: the first
   * sample after the kill in which a survivor, NORMAL in a view whose active set leaves the victim
   * out, has committed beyond every commit index sampled before the kill. (A victim outside the
   * active set stops nothing: then the first commit after the kill counts.) Infinite if that did not
   * happen by {@code untilNanos}; NaN without samples.
   *
   * <p>The end of the longest stretch without commits, the measure used before, is right only while
   * the failover is the longest stall of the window; at N = 5 a failover of 100 ms is often shorter
   * than the ordinary jitter of a loaded host later in the window, and that later gap was reported.
   */
  double resumedAfterMillis(long killNanos, long untilNanos, int victim) {
    List<Sample> s;
    synchronized (samples) {
      s = new ArrayList<>(samples);
    }
    if (s.isEmpty()) {
      return Double.NaN;
    }
    s.sort(Comparator.comparingLong(Sample::atNanos));
    long before = Long.MIN_VALUE;
    for (Sample x : s) {
      if (x.atNanos() <= killNanos) {
        before = Math.max(before, x.commitIndex());
      }
    }
    for (Sample x : s) {
      if (x.atNanos() > killNanos && x.atNanos() < untilNanos && x.normal()
          && (x.activeSet() & (1 << victim)) == 0 && x.commitIndex() > before) {
        return (x.atNanos() - killNanos) / 1e6;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /**
   * The survivors' samples from {@code killNanos} for {@code millis}, one line each (ms after the
   * kill, replica, view, status, active set, commit index): where a failover's time went.
   */
  String trace(long killNanos, long millis) {
    List<Sample> s;
    synchronized (samples) {
      s = new ArrayList<>(samples);
    }
    s.sort(Comparator.comparingLong(Sample::atNanos));
    StringBuilder b = new StringBuilder();
    for (Sample x : s) {
      double at = (x.atNanos() - killNanos) / 1e6;
      if (at >= -50 && at <= millis) {
        b.append(String.format(java.util.Locale.ROOT, "%n  %+8.1f ms  replica %d  view %d %s  active %s  commit %d", at,
            x.node(), x.view(), x.normal() ? "NORMAL" : "not normal", Integer.toBinaryString(x.activeSet()),
            x.commitIndex()));
      }
    }
    return b.toString();
  }

  /** Samples taken, for the report. */
  int size() {
    synchronized (samples) {
      return samples.size();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
