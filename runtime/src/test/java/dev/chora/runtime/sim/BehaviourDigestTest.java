package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A refactoring's proof that behaviour did not change: every seed of a fixed list (N = 3, 5 and 7)
 * must give the same {@link #resultDigest result digest} as the one committed in
 * {@code sim/behaviour-digests.txt}. The digest covers every simulated event in order (its time,
 * kind and endpoints) and every figure of the run's result, so a change to any message, timer or
 * decision of the core shows up as a different digest.
 *
 * <p>A change that is meant to alter behaviour (a protocol change, a new fault in the simulator)
 * rewrites the list on purpose, after the campaign and the mutation tests pass:
 * {@code mvn -pl runtime test -Dtest=BehaviourDigestTest -Dchora.sim.writeDigests=$PWD/runtime/src/test/resources/sim/behaviour-digests.txt}
 * — and says so in its commit message.
 */
class BehaviourDigestTest {
  private static final String RESOURCE = "/sim/behaviour-digests.txt";

  /** The seeds and group sizes of the list: 520 runs, each group size from seed 1 on. */
  static List<long[]> seeds() {
    List<long[]> seeds = new ArrayList<>();
    for (long seed = 1; seed <= 240; seed++) {
      seeds.add(new long[] {seed, 3});
    }
    for (long seed = 1; seed <= 200; seed++) {
      seeds.add(new long[] {seed, 5});
    }
    for (long seed = 1; seed <= 80; seed++) {
      seeds.add(new long[] {seed, 7});
    }
    return seeds;
  }

  /** One hash over the event digest and every figure of the result, independent of record hashing. */
  static long resultDigest(SimResult r) {
    long h = 0xCBF29CE484222325L;
    SimResult.RunFigures run = r.run();
    SimResult.FaultFigures faults = r.faults();
    SimResult.ViewChangeFigures views = r.viewChanges();
    SimResult.LogFigures log = r.log();
    long[] figures = {r.seed(), r.replicas(), run.rounds(), run.events(), r.digest(), run.operations(),
        run.appliedRequests(), faults.synchronyViolations(), run.slotsRecovered(), faults.messagesDropped(),
        run.recoveryRounds(), log.peakRetainedSlots(), faults.crashes(), faults.crashesInViewChange(),
        faults.crashesInStateTransfer(), faults.pauses(), faults.isolations(), faults.oneWayPartitions(),
        faults.flappingLinks(), faults.lags(), views.viewsInstalled(), run.snapshotsInstalled(),
        views.messagesInParts(), views.outsiderViewChangesAnswered(), views.viewsFallenBackTo(),
        views.suspicionsWhileWarmingUp(), log.roundsHeldAtMaxLogBytes(), log.slotsDroppedAtMaxLogBytes(),
        run.sessionsExpired(), r.ok() ? 0 : 1};
    for (long f : figures) {
      h = (h ^ f) * 0x100000001B3L;
    }
    return h;
  }

  private static String line(long seed, long n, long digest) {
    return seed + " " + n + " " + Long.toHexString(digest);
  }

  @Test
  void everySeedOfTheListRunsExactlyAsCommitted() throws IOException {
    // An ordered parallel stream: the runs spread over the cores, the lines stay in list order.
    List<String> actual = seeds().parallelStream().map(s -> {
      SimResult r = Simulation.run(SimParameters.forSeed(s[0], (int) s[1]));
      assertTrue(r.ok(), () -> "seed " + s[0] + " N=" + s[1] + " failed: " + r.violation());
      return line(s[0], s[1], resultDigest(r));
    }).collect(Collectors.toList());
    String write = System.getProperty("chora.sim.writeDigests");
    if (write != null && !write.isBlank()) {
      Files.write(Path.of(write), actual, StandardCharsets.UTF_8);
      System.out.println("wrote " + actual.size() + " digests to " + write);
      return;
    }
    List<String> expected;
    try (InputStream in = BehaviourDigestTest.class.getResourceAsStream(RESOURCE)) {
      assertTrue(in != null, "missing " + RESOURCE);
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.toList());
    }
    assertEquals(expected.size(), actual.size(), "the list of seeds changed");
    List<String> differing = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        differing.add("expected " + expected.get(i) + ", ran " + actual.get(i));
      }
    }
    assertTrue(differing.isEmpty(), differing.size() + " of " + actual.size()
        + " seeds ran differently (replay one with -Dchora.sim.replay=SEED:N):\n"
        + differing.stream().limit(20).collect(Collectors.joining("\n")));
  }
}
