package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.CoreMutation;
import org.junit.jupiter.api.Test;

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
}
