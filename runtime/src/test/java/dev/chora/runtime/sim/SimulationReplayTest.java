package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.core.CoreMutation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Determinism, and the replay of one seed: {@code -Dchora.sim.replay=SEED:N} (the command a
 * failing seed prints; with {@code -Dchora.sim.mutation=NAME} for a mutation test's seed, and
 * {@code -Dchora.sim.durable=true} for a durable-mode seed, {@code -Dchora.sim.proposers=leader} or
 * {@code rotating} for a baseline's seed) reruns
 * exactly that run and prints what it found; {@code -Dchora.sim.trace=FROM,TO} (simulated
 * nanoseconds) also prints every client request delivered, every reply and every state-transfer
 * message in that window.
 */
class SimulationReplayTest {

  @Test
  void sameSeedSameRunBitForBit() {
    for (long seed = 1; seed <= 6; seed++) {
      SimParameters p = SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed));
      SimResult first = Simulation.run(p);
      SimResult second = Simulation.run(SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed)));
      assertEquals(first, second, "seed " + seed + " ran differently twice");
    }
  }

  @Test
  void differentSeedsDifferentRuns() {
    SimResult a = Simulation.run(SimParameters.forSeed(11, 3));
    SimResult b = Simulation.run(SimParameters.forSeed(13, 3));
    org.junit.jupiter.api.Assertions.assertNotEquals(a.digest(), b.digest());
  }

  @Test
  void replayOneSeed() {
    String replay = System.getProperty("chora.sim.replay");
    Assumptions.assumeTrue(replay != null && !replay.isBlank(),
        "no seed to replay: pass -Dchora.sim.replay=SEED:N (printed by a failing seed)");
    String[] parts = replay.split(":");
    long seed = Long.parseLong(parts[0].trim());
    int n = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : SimulationCampaign.replicasFor(seed);
    SimParameters p = Boolean.getBoolean("chora.sim.durable") ? SimParameters.forSeed(seed, n).durable()
        : SimParameters.forSeed(seed, n);
    String proposers = System.getProperty("chora.sim.proposers");
    if (proposers != null && !proposers.isBlank()) {
      p = p.withProposers(ProposerPolicy.parse(proposers));
    }
    CoreMutation mutation = CoreMutation.valueOf(System.getProperty("chora.sim.mutation", "NONE").trim());
    System.out.println("replaying seed " + seed + " with N=" + n
        + (mutation == CoreMutation.NONE ? "" : " and mutation " + mutation) + ": " + p);
    SimResult result = Simulation.run(p, mutation, trace(System.getProperty("chora.sim.trace")));
    System.out.println(result);
    assertNull(result.violation(), () -> String.valueOf(result.violation()));
  }

  /** {@code FROM,TO} in simulated nanoseconds, or nothing to trace nothing. */
  private static SimTrace trace(String window) {
    if (window == null || window.isBlank()) {
      return SimTrace.NONE;
    }
    String[] parts = window.split(",");
    return SimTrace.window(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()), System.out::println);
  }
}
