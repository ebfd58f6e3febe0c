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
  private record Sample(long atNanos, long commitIndex) {}

  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  CommitProbe(ChoraCluster cluster, List<Integer> survivors) {
    thread = new Thread(() -> {
      int i = 0;
      while (running) {
        ChoraNode n = cluster.node(survivors.get(i++ % survivors.size()));
        try {
          ReplicaStatus s = n.status();
          synchronized (samples) {
            samples.add(new Sample(s.sampledAtNanos(), s.commitIndex()));
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
   * Milliseconds from {@code killNanos} until commits resumed: the end of the longest stretch after
   * the kill (and before {@code untilNanos}) in which no survivor's commit index grew; infinite if
   * the longest stretch is the last one (commits had not resumed by {@code untilNanos}); NaN
   * without samples.
   */
  double resumedAfterMillis(long killNanos, long untilNanos) {
    List<Sample> s;
    synchronized (samples) {
      s = new ArrayList<>(samples);
    }
    s.sort(Comparator.comparingLong(Sample::atNanos));
    long max = Long.MIN_VALUE;
    for (Sample x : s) {
      if (x.atNanos() <= killNanos) {
        max = Math.max(max, x.commitIndex());
      }
    }
    long prevGrowth = killNanos;
    long bestGap = -1;
    long resumed = -1;
    for (Sample x : s) {
      if (x.atNanos() <= killNanos || x.atNanos() >= untilNanos) {
        continue;
      }
      if (x.commitIndex() > max) {
        max = x.commitIndex();
        if (x.atNanos() - prevGrowth > bestGap) {
          bestGap = x.atNanos() - prevGrowth;
          resumed = x.atNanos();
        }
        prevGrowth = x.atNanos();
      }
    }
    if (resumed < 0 || untilNanos - prevGrowth > bestGap) {
      return s.isEmpty() ? Double.NaN : Double.POSITIVE_INFINITY;
    }
    return (resumed - killNanos) / 1e6;
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
