package dev.chora.runtime.sim;

import org.junit.jupiter.api.Test;

class QuickSimTest {
  @Test
  void someSeeds() {
    long t0 = System.nanoTime();
    long rounds = 0;
    for (long s = 1; s <= 40; s++) {
      SimResult r = Simulation.run(SimParameters.forSeed(s, s % 2 == 0 ? 3 : 5));
      rounds += r.rounds();
      System.out.println(r);
    }
    System.out.println("rounds " + rounds + " in " + (System.nanoTime() - t0) / 1e9 + " s");
  }
}
