package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.CoreMutation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The durable mode under the simulator's full fault schedule plus the disks' faults: outages of
 * every replica or f+1 at once, torn writes, slow syncs, bit flips found at restart, full disks.
 * Every checker runs after every step, and the durability checker flags a round executed before an
 * outage that comes back different. Replay a seed with SimulationReplayTest
 * ({@code -Dchora.sim.durable=true}).
 */
class DurableSimulationTest {
  static final long SEEDS = Long.getLong("chora.sim.durableSeeds", 400);

  @Test
  void noAcknowledgedWriteIsLostAcrossCrashesOfMoreThanF() {
    SimulationCampaign.Summary s = SimulationCampaign.run(1, SEEDS, 0, CoreMutation.NONE, 2, System.out::println, true);
    System.out.println("durable campaign: " + s.describe());
    assertEquals(0, s.failures().size(), () -> "failures: " + s.failures().subList(0, Math.min(5, s.failures().size())));
    SimResult.DiskFigures d = s.disk();
    assertTrue(d.outages() > SEEDS / 2, "outages happened: " + d);
    assertTrue(d.restartsFromDisk() > SEEDS, "replicas restarted from disk: " + d);
    assertTrue(d.bitFlips() > 0 && d.corruptionsRefused() > 0, "flipped bits were found and refused: " + d);
    assertTrue(d.diskFulls() > 0 && d.storageFailures() > 0, "full disks stopped writes: " + d);
    assertTrue(s.run().operations() > SEEDS * 50, "clients got work done: " + s.run());
  }

  /** Each durable-mode rule, broken on purpose, is caught by a checker within the seeds given. */
  @ParameterizedTest(name = "{0} is caught ({1})")
  @CsvSource({
      // Caught at seed 440: an outage loses a slot a replica acknowledged.
      "ACK_BEFORE_SYNC, DURABILITY|AGREEMENT|LINEARIZABILITY|EXACTLY_ONCE, 1000",
      // Caught at seed 433: rounds a view adopted, not yet on disk, lost in an outage.
      "SEND_BEFORE_VIEW_SYNC, DURABILITY|AGREEMENT|LINEARIZABILITY|EXACTLY_ONCE, 1500",
      "TRUST_BAD_CHECKSUM, VALIDITY|AGREEMENT|DURABILITY|LINEARIZABILITY|EXACTLY_ONCE, 2000",
  })
  void brokenDurabilityIsCaught(CoreMutation mutation, String expectedInvariants, int seedsToTry) {
    SimulationViolation found = null;
    for (long seed = 1; seed <= seedsToTry && found == null; seed++) {
      found = Simulation.run(SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed)).durable(), mutation)
          .violation();
    }
    assertNotNull(found, mutation + " went unnoticed in " + seedsToTry + " durable seeds");
    System.out.println(mutation + " -> " + found);
    assertTrue(Arrays.asList(expectedInvariants.split("\\|")).contains(found.invariant().name()),
        "caught as " + found.invariant() + ", expected " + expectedInvariants + ": " + found);
    assertTrue(found.replayCommand().contains("-Dchora.sim.durable=true"), found.replayCommand());
    SimulationViolation replayed =
        Simulation.run(SimParameters.forSeed(found.seed(), found.replicas()).durable(), mutation).violation();
    assertEquals(found, replayed, "replaying the seed must find the same violation");
  }
}
