package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The baselines' proposer policies (leader, rotating) under the simulator's full fault schedule —
 * crashes, partitions, pauses, lags, view changes, state transfers, lost and duplicated messages —
 * with every checker after every step, and the proposer checker on every round message sent: only
 * the permitted proposer's slots carry requests. {@code chora.sim.policySeeds} seeds per policy in
 * memory mode (N = 3 and 5 alternating) and a quarter of that in durable mode. A failing seed
 * prints its replay command (with {@code -Dchora.sim.proposers=...}).
 */
class ProposerPolicySimulationTest {
  static final long SEEDS = Long.getLong("chora.sim.policySeeds", 120);

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ProposerPolicy.class, names = {"LEADER", "ROTATING"})
  void everyInvariantHoldsUnderFaults(ProposerPolicy policy) {
    List<SimResult> memory = LongStream.rangeClosed(1, SEEDS).parallel()
        .mapToObj(seed -> Simulation.run(SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed))
            .withProposers(policy)))
        .collect(Collectors.toList());
    List<SimResult> durable = LongStream.rangeClosed(1, Math.max(4, SEEDS / 4)).parallel()
        .mapToObj(seed -> Simulation.run(SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed))
            .durable().withProposers(policy)))
        .collect(Collectors.toList());
    String failures = java.util.stream.Stream.concat(memory.stream(), durable.stream()).filter(r -> !r.ok())
        .limit(10).map(r -> r.violation().toString()).collect(Collectors.joining("\n"));
    assertTrue(failures.isEmpty(), policy + ": seeds failed:\n" + failures);
    SimResult.RunFigures run = memory.stream().map(SimResult::run).reduce(SimResult.RunFigures.ZERO,
        SimResult.RunFigures::plus);
    SimResult.FaultFigures faults = memory.stream().map(SimResult::faults).reduce(SimResult.FaultFigures.ZERO,
        SimResult.FaultFigures::plus);
    SimResult.ViewChangeFigures views = memory.stream().map(SimResult::viewChanges)
        .reduce(SimResult.ViewChangeFigures.ZERO, SimResult.ViewChangeFigures::plus);
    System.out.println(policy + ": " + memory.size() + " memory seeds and " + durable.size() + " durable seeds, " + run
        + ", " + faults + ", " + views);
    assertTrue(run.operations() > SEEDS * 50 && run.appliedRequests() > SEEDS * 50, "clients got work done: " + run);
    assertTrue(faults.crashes() > 0 && faults.isolations() > 0 && faults.messagesDropped() > 0,
        "faults were injected: " + faults);
    assertTrue(views.viewsInstalled() > SEEDS, "views changed: " + views);
  }

  /** The default policy's runs are the committed ones: the same seed with ALL set explicitly runs identically. */
  @Test
  void theDefaultIsAll() {
    for (long seed = 1; seed <= 3; seed++) {
      SimParameters p = SimParameters.forSeed(seed, 3);
      assertEquals(ProposerPolicy.ALL, p.config().proposers());
      assertEquals(Simulation.run(p), Simulation.run(p.withProposers(ProposerPolicy.ALL)));
    }
  }

  /** The proposer checker can fail: it flags requests in a slot the policy gives to another replica. */
  @Test
  void theProposerCheckerFlagsAForbiddenProposal() {
    Batch one = Batch.of(List.of(new Request(5, 1, new byte[] {1})));
    int all3 = 0b111;
    // leader: replica 0 leads {0,1,2}; replica 1 may not carry requests, nor may anyone outside A.
    ProposerChecker leader = new ProposerChecker(ProposerPolicy.LEADER);
    assertNull(leader.proposed(0, round(10, 0, one), all3, 1));
    assertNull(leader.proposed(1, round(10, 1, Batch.EMPTY), all3, 1));
    assertNotNull(leader.proposed(1, round(10, 1, one), all3, 1));
    assertNull(leader.proposed(1, round(10, 1, one), 0b110, 1), "replica 1 leads {1,2}");
    // rotating over {0,2} from first round 7: round 7 is 0's, 8 is 2's, 9 is 0's.
    ProposerChecker rotating = new ProposerChecker(ProposerPolicy.ROTATING);
    assertNull(rotating.proposed(0, round(7, 0, one), 0b101, 7));
    assertNotNull(rotating.proposed(0, round(8, 0, one), 0b101, 7));
    assertNull(rotating.proposed(2, round(8, 2, one), 0b101, 7));
    assertNotNull(rotating.proposed(2, round(9, 2, one), 0b101, 7));
    assertNotNull(new ProposerChecker(ProposerPolicy.ALL).proposed(1, round(3, 1, one), 0b101, 1),
        "outside the active set");
    // The core's rule agrees with the checker's on every round of a few views.
    for (int set : new int[] {0b111, 0b101, 0b11010, 0b11111}) {
      for (long r = 3; r < 40; r++) {
        for (int i = 0; i < 5; i++) {
          for (ProposerPolicy p : ProposerPolicy.values()) {
            boolean checkerPermits = new ProposerChecker(p).proposed(i, round(r, i, one), set, 3) == null;
            assertEquals(checkerPermits, p.mayPropose(i, r, set, 3), p + " replica " + i + " round " + r + " set " + set);
          }
        }
      }
    }
  }

  private static RoundMessage round(long round, int from, Batch batch) {
    return new RoundMessage(1, round, from, batch, new long[3], 0);
  }
}
