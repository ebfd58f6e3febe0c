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

  /** The campaign's totals; {@code failures} is sorted by seed. */
  public record Summary(long seeds, long rounds, long events, long operations, long appliedRequests,
      long synchronyViolations, long slotsRecovered, long messagesDropped, long maxRecoveryRounds,
      long peakRetainedSlots, long crashes, long crashesInViewChange, long crashesInStateTransfer, long pauses,
      long isolations, long oneWayPartitions, long flappingLinks, long lags, long viewsInstalled,
      long snapshotsInstalled, long viewChangeMessagesInParts, long outsiderViewChangesAnswered,
      long viewsFallenBackTo, long suspicionsWhileWarmingUp, long roundsHeldAtMaxLogBytes, long slotsDroppedAtMaxLogBytes, long wallNanos,
      List<SimulationViolation> failures) {

    public double roundsPerSecond() {
      return rounds / (wallNanos / 1e9);
    }

    public String describe() {
      return String.format("%d seeds, %d simulated rounds, %d events, %d client operations, %d requests applied;"
              + " faults: %d messages dropped, %d synchrony violations, %d crashes with state lost (%d as a view"
              + " change started, %d in a state transfer), %d pauses, %d isolations, %d one-way partitions,"
              + " %d flapping links, %d lagging replicas; %d views installed (%d view-change messages in parts; %d view changes"
              + " of replicas outside the active set answered with the view instead of joined, %d views fallen"
              + " back to; %d suspicions by replicas warming up), %d snapshots installed by state transfer, %d slots"
              + " recovered; rounds held at max-log-bytes %d times, %d slots dropped there outside the active set;"
              + " longest recovery after faults %d rounds, peak retained log %d slots; wall time %.1f s,"
              + " %.0f simulated rounds/s; %d failed",
          seeds, rounds, events, operations, appliedRequests, messagesDropped, synchronyViolations, crashes,
          crashesInViewChange, crashesInStateTransfer, pauses, isolations, oneWayPartitions, flappingLinks, lags,
          viewsInstalled, viewChangeMessagesInParts, outsiderViewChangesAnswered, viewsFallenBackTo,
          suspicionsWhileWarmingUp, snapshotsInstalled,
          slotsRecovered, roundsHeldAtMaxLogBytes, slotsDroppedAtMaxLogBytes, maxRecoveryRounds, peakRetainedSlots,
          wallNanos / 1e9, roundsPerSecond(), failures.size());
    }
  }

  /**
   * @param fixedReplicas 0 to alternate N = 3 and 5 by seed, otherwise the N for every seed
   * @param progress      receives a line at each tenth of the campaign
   */
  public static Summary run(long firstSeed, long seeds, int fixedReplicas, CoreMutation mutation, int threads,
      Consumer<String> progress) {
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
            results.add(Simulation.run(SimParameters.forSeed(seed, n), mutation));
            long d = done.incrementAndGet();
            if (d % step == 0 || d == seeds) {
              progress.accept(String.format("simulation: %d/%d seeds (%.0f%%), %.1f s", d, seeds, 100.0 * d / seeds,
                  (System.nanoTime() - start) / 1e9));
            }
          }
          return results;
        }));
      }
      long rounds = 0, events = 0, ops = 0, applied = 0, violations = 0, recovered = 0, dropped = 0;
      long crashes = 0, crashesInViewChange = 0, crashesInStateTransfer = 0, pauses = 0, isolations = 0;
      long oneWay = 0, flapping = 0, lags = 0, views = 0, snapshots = 0, inParts = 0, answered = 0, fellBack = 0;
      long warmingSuspicions = 0;
      long heldAtBytes = 0, droppedAtBytes = 0;
      long maxRecovery = 0, peakRetained = 0;
      List<SimulationViolation> failures = new ArrayList<>();
      for (Future<List<SimResult>> w : workers) {
        for (SimResult r : w.get()) {
          rounds += r.rounds();
          events += r.events();
          ops += r.operations();
          applied += r.appliedRequests();
          violations += r.violations();
          recovered += r.slotsRecovered();
          dropped += r.messagesDropped();
          maxRecovery = Math.max(maxRecovery, r.recoveryRounds());
          peakRetained = Math.max(peakRetained, r.peakRetainedSlots());
          crashes += r.crashes();
          crashesInViewChange += r.crashesInViewChange();
          crashesInStateTransfer += r.crashesInStateTransfer();
          pauses += r.pauses();
          isolations += r.isolations();
          oneWay += r.oneWayPartitions();
          flapping += r.flappingLinks();
          lags += r.lags();
          views += r.viewsInstalled();
          snapshots += r.snapshotsInstalled();
          inParts += r.viewChangeMessagesInParts();
          answered += r.outsiderViewChangesAnswered();
          fellBack += r.viewsFallenBackTo();
          warmingSuspicions += r.suspicionsWhileWarmingUp();
          heldAtBytes += r.roundsHeldAtMaxLogBytes();
          droppedAtBytes += r.slotsDroppedAtMaxLogBytes();
          if (!r.ok()) {
            failures.add(r.violation());
          }
        }
      }
      failures.sort(Comparator.comparingLong(SimulationViolation::seed));
      return new Summary(seeds, rounds, events, ops, applied, violations, recovered, dropped, maxRecovery,
          peakRetained, crashes, crashesInViewChange, crashesInStateTransfer, pauses, isolations, oneWay, flapping, lags,
          views, snapshots, inParts, answered, fellBack, warmingSuspicions, heldAtBytes, droppedAtBytes, System.nanoTime() - start, failures);
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
