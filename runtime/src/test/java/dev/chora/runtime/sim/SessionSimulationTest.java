package dev.chora.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeds whose client table is smaller than their clients: sessions are evicted while the network
 * still delivers late and duplicated copies of their requests and the clients retry. No request
 * may execute twice (the exactly-once checker), and every history stays linearizable.
 */
class SessionSimulationTest {

  @Test
  void evictedClientsNeverExecuteARequestTwice() {
    List<String> failures = new ArrayList<>();
    int smallTables = 0;
    long expired = 0;
    for (long seed = 1; seed <= 160; seed++) {
      SimParameters p = SimParameters.forSeed(seed, SimulationCampaign.replicasFor(seed));
      if (p.config().maxClients() >= p.clients()) {
        continue;
      }
      smallTables++;
      SimResult r = Simulation.run(p);
      expired += r.run().sessionsExpired();
      if (!r.ok()) {
        failures.add(r.violation().toString());
      }
    }
    assertTrue(smallTables >= 20, "only " + smallTables + " seeds had a client table smaller than their clients");
    assertTrue(expired > 100, "the replicas refused only " + expired + " requests of forgotten sessions");
    assertTrue(failures.isEmpty(), failures.size() + " of " + smallTables + " seeds failed, e.g.:\n"
        + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
  }
}
