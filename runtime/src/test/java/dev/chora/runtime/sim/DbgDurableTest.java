package dev.chora.runtime.sim;
import org.junit.jupiter.api.Test;
class DbgDurableTest {
  @Test void run() {
    SimResult r = Simulation.run(SimParameters.forSeed(Long.getLong("seed", 8), Integer.getInteger("n", 3)).durable());
    System.out.println("RESULT " + r.violation() + " " + r.disk());
  }
}
