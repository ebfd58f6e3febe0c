package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.sim.SimulationViolation.Invariant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checkers bite: a core with a deliberate bug must be caught by the checker that guards
 * against it, reported with its seed and a replay command, and caught again on replay.
 */
class MutationTest {
  private static final int SEEDS_TO_TRY = 500;

  @ParameterizedTest(name = "{0} is caught as {1}")
  @CsvSource({
      "SKIP_MISSING_SLOTS, AGREEMENT",
      "READ_WITHOUT_BARRIER, LINEARIZABILITY",
      "NO_CLIENT_TABLE, EXACTLY_ONCE",
      "IGNORE_SLOT_REQUESTS, LIVENESS",
      "NOOP_PRESENT_SLOTS, AGREEMENT",
      "COMMIT_DECIDED_BEFORE_QUORUM, AGREEMENT",
      "COMMIT_WITH_F_ACKS, AGREEMENT",
      "RESTART_WITHOUT_RECOVERY, LIVENESS",
  })
  void brokenCoreIsCaught(CoreMutation mutation, Invariant expected) {
    SimulationViolation found = null;
    for (long seed = 1; seed <= SEEDS_TO_TRY && found == null; seed++) {
      found = Simulation.run(SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed)), mutation).violation();
    }
    assertNotNull(found, mutation + " went unnoticed in " + SEEDS_TO_TRY + " seeds");
    System.out.println(mutation + " -> " + found);
    assertEquals(expected, found.invariant(), found.toString());
    assertTrue(found.toString().contains("seed " + found.seed()), found.toString());
    assertTrue(found.replayCommand().contains("-Dchora.sim.replay=" + found.seed() + ":" + found.replicas()));

    SimulationViolation replayed =
        Simulation.run(SimParameters.forSeed(found.seed(), found.replicas()), mutation).violation();
    assertEquals(found, replayed, "replaying the seed must find the same violation");
  }
}
