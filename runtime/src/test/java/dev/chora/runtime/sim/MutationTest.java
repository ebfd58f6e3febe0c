package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.CoreMutation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checkers bite: a core with a deliberate bug must be caught by the checker that guards
 * against it, reported with its seed and a replay command, and caught again on replay.
 */
class MutationTest {
  /**
   * Each mutation with the checker that must catch it and how many seeds it may take: the
   * view-change mutations need a fault at the right moment, which takes more seeds.
   */
  @ParameterizedTest(name = "{0} is caught ({1})")
  @CsvSource({
      "SKIP_MISSING_SLOTS, AGREEMENT, 100",
      "READ_WITHOUT_BARRIER, LINEARIZABILITY, 100",
      "NO_CLIENT_TABLE, EXACTLY_ONCE, 100",
      "IGNORE_SLOT_REQUESTS, LIVENESS, 100",
      // Lost or changed committed data shows as divergent execution or as a history that no
      // sequential order explains, whichever the run meets first — or as a request applied twice,
      // when a client's retry was proposed again in a round whose first content was replaced.
      "NOOP_PRESENT_SLOTS, AGREEMENT|LINEARIZABILITY, 500",
      "COMMIT_DECIDED_BEFORE_QUORUM, AGREEMENT|LINEARIZABILITY|EXACTLY_ONCE, 500",
      "COMMIT_WITH_F_ACKS, AGREEMENT|LINEARIZABILITY, 500",
      "COORDINATOR_PREFERS_LOWER_VIEW, AGREEMENT|LINEARIZABILITY, 3000",
      // Caught at seed 542 since suspect-after-max is drawn per seed (within 500 before), at 976
      // since views skip long-silent coordinators: it needs a restart at the right moment.
      "RESTART_WITHOUT_RECOVERY, AGREEMENT|LINEARIZABILITY, 2000",
      // A view change holding more rounds than max-transfer-bytes carries, sent in one message.
      "WHOLE_VIEW_CHANGE_MESSAGES, BOUNDED_MESSAGE, 200",
      "FALL_BACK_DESPITE_PROMISE, AGREEMENT|LINEARIZABILITY, 6000",
      "NO_FALL_BACK, LIVENESS, 1000",
  })
  void brokenCoreIsCaught(CoreMutation mutation, String expectedInvariants, int seedsToTry) {
    SimulationViolation found = null;
    for (long seed = 1; seed <= seedsToTry && found == null; seed++) {
      found = Simulation.run(SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed)), mutation).violation();
    }
    assertNotNull(found, mutation + " went unnoticed in " + seedsToTry + " seeds");
    System.out.println(mutation + " -> " + found);
    assertTrue(java.util.Arrays.asList(expectedInvariants.split("\\|")).contains(found.invariant().name()),
        "caught as " + found.invariant() + ", expected " + expectedInvariants + ": " + found);
    assertTrue(found.toString().contains("seed " + found.seed()), found.toString());
    assertTrue(found.replayCommand().contains("-Dchora.sim.replay=" + found.seed() + ":" + found.replicas()));
    assertTrue(found.replayCommand().endsWith(" -Dchora.sim.mutation=" + mutation.name()),
        "the printed command replays the mutated run: " + found.replayCommand());

    SimulationViolation replayed =
        Simulation.run(SimParameters.forSeed(found.seed(), found.replicas()), mutation).violation();
    assertEquals(found, replayed, "replaying the seed must find the same violation");
  }
}
