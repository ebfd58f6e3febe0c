package dev.chora.runtime.sim;

import dev.chora.runtime.core.CoreMutation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs many seeds, spread over threads (each run is single-threaded and independent, so the
 * results do not depend on the threads), and sums them up. Seeds alternate between N = 3 (even)
 * and N = 5 (odd) unless a fixed N is asked for.
 */
public final class SimulationCampaign {
  private SimulationCampaign() {}

  /** The group size the campaign uses for a seed when none is fixed. */
  public static int replicasFor(long seed) {
    return seed % 2 == 0 ? 3 : 5;
  }

  /**
   * The campaign's totals: the parts of every run's result summed (the longest recovery and the
   * highest peak of retained slots kept); {@code failures} is sorted by seed.
   */
  public record Summary(long seeds, SimResult.RunFigures run, SimResult.FaultFigures faults,
      SimResult.ViewChangeFigures viewChanges, SimResult.LogFigures log, SimResult.DiskFigures disk, long wallNanos,
      List<SimulationViolation> failures) {

    public double roundsPerSecond() {
      return run.rounds() / (wallNanos / 1e9);
    }

    public String describe() {
      return String.format("%d seeds, %d simulated rounds, %d events, %d client operations, %d requests applied"
              + " (%d refused as of expired sessions);"
              + " faults: %d messages dropped, %d synchrony violations, %d crashes with state lost (%d as a view"
              + " change started, %d in a state transfer), %d pauses, %d isolations, %d one-way partitions,"
              + " %d flapping links, %d lagging replicas; %d views installed (%d view-change messages in parts; %d view changes"
              + " of replicas outside the active set answered with the view instead of joined, %d views fallen"
              + " back to; %d suspicions by replicas warming up), %d snapshots installed by state transfer, %d slots"
              + " recovered, %d checkpoint digests found equal; rounds held at max-log-bytes %d times, %d slots dropped there outside the active set;"
              + " longest recovery after faults %d rounds, peak retained log %d slots; wall time %.1f s,"
              + " %.0f simulated rounds/s; %d failed%s",
          seeds, run.rounds(), run.events(), run.operations(), run.appliedRequests(), run.sessionsExpired(),
          faults.messagesDropped(),
          faults.synchronyViolations(), faults.crashes(), faults.crashesInViewChange(),
          faults.crashesInStateTransfer(), faults.pauses(), faults.isolations(), faults.oneWayPartitions(),
          faults.flappingLinks(), faults.lags(), viewChanges.viewsInstalled(), viewChanges.messagesInParts(),
          viewChanges.outsiderViewChangesAnswered(), viewChanges.viewsFallenBackTo(),
          viewChanges.suspicionsWhileWarmingUp(), run.snapshotsInstalled(), run.slotsRecovered(), run.checkpointsMatched(),
          log.roundsHeldAtMaxLogBytes(), log.slotsDroppedAtMaxLogBytes(), run.recoveryRounds(),
          log.peakRetainedSlots(), wallNanos / 1e9, roundsPerSecond(), failures.size(),
          disk.equals(SimResult.DiskFigures.ZERO) ? "" : String.format("; durable: %d outages of more than f replicas,"
              + " %d restarts from disk, %d bits flipped, %d damaged disks refused (wiped, recovered from peers),"
              + " %d full disks, %d storage failures", disk.outages(), disk.restartsFromDisk(), disk.bitFlips(),
              disk.corruptionsRefused(), disk.diskFulls(), disk.storageFailures()));
    }
  }

  /**
   * @param fixedReplicas 0 to alternate N = 3 and 5 by seed, otherwise the N for every seed
   * @param progress      receives a line at each tenth of the campaign
   */
  public static Summary run(long firstSeed, long seeds, int fixedReplicas, CoreMutation mutation, int threads,
      Consumer<String> progress) {
    return run(firstSeed, seeds, fixedReplicas, mutation, threads, progress, false);
  }

  /** @param durable every run in durable mode ({@link SimParameters#durable()}), with its disk faults */
  public static Summary run(long firstSeed, long seeds, int fixedReplicas, CoreMutation mutation, int threads,
      Consumer<String> progress, boolean durable) {
    long start = System.nanoTime();
    AtomicLong next = new AtomicLong(firstSeed);
    long end = firstSeed + seeds;
    AtomicLong done = new AtomicLong();
    long step = Math.max(1, seeds / 10);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "chora-sim");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<SimResult>>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          List<SimResult> results = new ArrayList<>();
          for (long seed = next.getAndIncrement(); seed < end; seed = next.getAndIncrement()) {
            int n = fixedReplicas > 0 ? fixedReplicas : replicasFor(seed);
            SimParameters parameters = SimParameters.forSeed(seed, n);
            results.add(Simulation.run(durable ? parameters.durable() : parameters, mutation));
            long d = done.incrementAndGet();
            if (d % step == 0 || d == seeds) {
              progress.accept(String.format("simulation: %d/%d seeds (%.0f%%), %.1f s", d, seeds, 100.0 * d / seeds,
                  (System.nanoTime() - start) / 1e9));
            }
          }
          return results;
        }));
      }
      SimResult.RunFigures run = SimResult.RunFigures.ZERO;
      SimResult.FaultFigures faults = SimResult.FaultFigures.ZERO;
      SimResult.ViewChangeFigures viewChanges = SimResult.ViewChangeFigures.ZERO;
      SimResult.LogFigures log = SimResult.LogFigures.ZERO;
      SimResult.DiskFigures disk = SimResult.DiskFigures.ZERO;
      List<SimulationViolation> failures = new ArrayList<>();
      for (Future<List<SimResult>> w : workers) {
        for (SimResult r : w.get()) {
          run = run.plus(r.run());
          faults = faults.plus(r.faults());
          viewChanges = viewChanges.plus(r.viewChanges());
          log = log.plus(r.log());
          disk = disk.plus(r.disk());
          if (!r.ok()) {
            failures.add(r.violation());
          }
        }
      }
      failures.sort(Comparator.comparingLong(SimulationViolation::seed));
      return new Summary(seeds, run, faults, viewChanges, log, disk, System.nanoTime() - start, failures);
    } catch (Exception e) {
      throw new IllegalStateException("simulation campaign failed to run", e);
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
