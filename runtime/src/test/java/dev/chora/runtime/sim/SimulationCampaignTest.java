package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.CoreMutation;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulation campaign: {@code chora.sim.seeds} seeds from {@code chora.sim.firstSeed},
 * alternating N = 3 and N = 5, on every core of the machine. A failure lists each failing seed
 * with the command that replays it.
 */
class SimulationCampaignTest {

  @Test
  void everySeedKeepsEveryInvariant() {
    long seeds = Long.getLong("chora.sim.seeds", 2000);
    long firstSeed = Long.getLong("chora.sim.firstSeed", 1);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    SimulationCampaign.Summary summary =
        SimulationCampaign.run(firstSeed, seeds, 0, CoreMutation.NONE, threads, System.out::println);
    System.out.println("simulation campaign (N = 3 and 5, seeds " + firstSeed + ".." + (firstSeed + seeds - 1)
        + "): " + summary.describe());
    String failures = summary.failures().stream().limit(20).map(Object::toString)
        .collect(Collectors.joining("\n"));
    assertTrue(summary.failures().isEmpty(), summary.failures().size() + " seeds failed:\n" + failures);
    assertEquals(seeds, summary.seeds());
    assertTrue(summary.run().rounds() >= seeds * 1000, "every seed runs at least a thousand rounds");
    assertTrue(summary.faults().synchronyViolations() > 0 && summary.run().slotsRecovered() > 0 && summary.faults().messagesDropped() > 0,
        "the campaign injected network faults: " + summary.describe());
    assertTrue(summary.faults().crashes() > 0 && summary.faults().crashesInViewChange() > 0 && summary.faults().crashesInStateTransfer() > 0
            && summary.faults().pauses() > 0 && summary.faults().isolations() > 0 && summary.faults().oneWayPartitions() > 0
            && summary.faults().flappingLinks() > 0 && summary.faults().lags() > 0,
        "every kind of replica fault was injected: " + summary.describe());
    assertTrue(summary.viewChanges().viewsInstalled() > seeds && summary.run().snapshotsInstalled() > 0,
        "view changes and state transfers happened: " + summary.describe());
    assertTrue(summary.run().checkpointsMatched() > seeds,
        "replicas compared state digests at checkpoints (and, deterministic, found none differing): "
            + summary.describe());
    assertTrue(summary.viewChanges().suspicionsWhileWarmingUp() > 0,
        "replicas suspected peers while still warming up (longer thresholds): " + summary.describe());
    assertTrue(summary.viewChanges().messagesInParts() > 0,
        "view changes held more than one message carries, and went in parts: " + summary.describe());
    assertTrue(summary.log().roundsHeldAtMaxLogBytes() > 0 && summary.log().slotsDroppedAtMaxLogBytes() > 0,
        "logs reached max-log-bytes: rounds were held back there, and replicas outside the active set dropped"
            + " slots there: " + summary.describe());
    assertTrue(summary.viewChanges().outsiderViewChangesAnswered() > 0 && summary.viewChanges().viewsFallenBackTo() > 0,
        "replicas outside the active set asked for view changes, were answered with the view, and fell back to it: "
            + summary.describe());
  }

  @Test
  void sevenReplicasKeepEveryInvariant() {
    long seeds = Math.max(20, Long.getLong("chora.sim.seeds", 2000) / 40);
    SimulationCampaign.Summary summary = SimulationCampaign.run(Long.getLong("chora.sim.firstSeed", 1), seeds, 7,
        CoreMutation.NONE, Math.max(1, Runtime.getRuntime().availableProcessors()), line -> {});
    System.out.println("simulation campaign (N = 7): " + summary.describe());
    assertTrue(summary.failures().isEmpty(), "seeds failed:\n" + summary.failures());
  }
}
