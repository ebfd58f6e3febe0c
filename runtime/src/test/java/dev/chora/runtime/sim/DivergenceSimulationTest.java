package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Divergence detection in the simulator: one replica's state machine keeps a clock read in its
 * state ({@link SimKvStore}); the others' are deterministic. Divergence detection must stop that
 * replica and only it, and every invariant must hold: the others serve on (every request
 * completes), and the stopped replica, restored from a peer, rejoins. The false-positive half
 * (deterministic runs never report) is the campaign's: a report there is a DIVERGENCE violation.
 * A failing seed replays with {@code Simulation.runWithNonDeterministicReplica(SimParameters
 * .forSeed(SEED, N).calm(), SEED % N, trace)}.
 */
class DivergenceSimulationTest {

  @Test
  void theNonDeterministicReplicaAndOnlyItStopsAndTheGroupGoesOn() {
    List<String> failures = new ArrayList<>();
    long seeds = Long.getLong("chora.sim.divergenceSeeds", 100);
    long checkpointsMatched = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      int n = seed % 2 == 0 ? 5 : 3;
      int replica = (int) (seed % n);
      SimResult r = Simulation.runWithNonDeterministicReplica(SimParameters.forSeed(seed, n).calm(), replica,
          SimTrace.NONE);
      checkpointsMatched += r.run().checkpointsMatched();
      if (!r.ok()) {
        failures.add("seed " + seed + " N=" + n + " replica " + replica + ": " + r.violation());
      } else if (r.divergedReplicas() != 1 << replica) {
        failures.add("seed " + seed + " N=" + n + ": replicas stopped as diverged " + Integer.toBinaryString(
            r.divergedReplicas()) + ", expected only replica " + replica);
      }
    }
    assertEquals(List.of(), failures);
    assertTrue(checkpointsMatched > seeds, "the other replicas compared digests and agreed: " + checkpointsMatched);
  }

  @Test
  void theSameRunsWithoutTheNonDeterministicReplicaReportNothing() {
    for (long seed = 1; seed <= 10; seed++) {
      int n = seed % 2 == 0 ? 5 : 3;
      SimResult r = Simulation.run(SimParameters.forSeed(seed, n).calm());
      assertTrue(r.ok(), () -> String.valueOf(r.violation()));
      assertEquals(0, r.divergedReplicas());
    }
  }
}
