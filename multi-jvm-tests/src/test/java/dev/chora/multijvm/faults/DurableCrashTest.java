package dev.chora.multijvm.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import dev.chora.multijvm.ChoraNode;
import dev.chora.multijvm.ExamplesSetup;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.actors.ReplicaStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crashes of more than f replicas in durable mode, under the fault tests' load ({@link Workload},
 * with its history) and a {@link Ledger} of writes to keys of their own: every replica SIGKILLed at
 * once, then f + 1 of them, each time restarted on its data directory. The group must resume, the
 * history (final reads included) must be linearizable with no acknowledged write lost ({@link
 * Checks}), and every acknowledged ledger write, before, during and after the crash, must be
 * readable afterwards. In memory mode both would lose writes (all crashed) or never resume (f + 1
 * crashed: too few replicas left to recover from).
 *
 * <p>Over Artery tcp: the crash is the subject here, not the transport (on the shared Aeron driver
 * a node killed mid-send can stall a direction for 11 s, docs/testing.md, which would only lengthen
 * the test).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DurableCrashTest {

  @RegisterExtension
  static final ChoraClusterExtension CLUSTER = ChoraClusterExtension.of(ExamplesSetup.class,
      b -> b.replicas(3).transport(ArteryTransport.Kind.TCP).durable(true));

  /** The group's time to resume after a crash of every replica; generous for two shared cores. */
  private static final Duration RESUME = Duration.ofSeconds(90);

  private final StringBuilder report = new StringBuilder();

  /** Before each test every replica runs (one a failed test left dead restarts from its disk) and is active. */
  @BeforeEach
  void everyReplicaRunsAndIsActive() throws Exception {
    ChoraCluster c = CLUSTER.get();
    assertTrue(c.durable(), "the replicas run in durable mode");
    for (ChoraNode n : c.nodes()) {
      if (!n.isAlive()) {
        n.restartFromDisk();
      }
    }
    c.awaitAllActive(Duration.ofSeconds(90));
  }

  @AfterAll
  void printReport() {
    ChoraCluster.log("durable crash tests:\n" + report);
  }

  @Test
  @Order(1)
  void everyReplicaKilledUnderLoadRestartsFromDiskWithEveryAcknowledgedWrite() throws Exception {
    crashUnderLoad("all-crash", List.of(0, 1, 2), 31);
  }

  @Test
  @Order(2)
  void fPlusOneReplicasKilledUnderLoadRestartFromDiskAndTheGroupResumes() throws Exception {
    ChoraCluster c = CLUSTER.get();
    assertEquals(2, c.faultTolerance() + 1);
    crashUnderLoad("f-plus-one-crash", List.of(0, 1), 32);
  }

  /**
   * Load and ledger for 3 s, the crash of {@code victims} with their restart from disk, 3 s more
   * load once the group has resumed, then the checks.
   */
  private void crashUnderLoad(String name, List<Integer> victims, long seed) throws Exception {
    ChoraCluster c = CLUSTER.get();
    long t0 = System.nanoTime();
    try (Workload load = new Workload(c, name, Faults.KEYS, Faults.ACCOUNTS, Faults.OP_TIMEOUT);
        Ledger ledger = new Ledger(c, name, Faults.OP_TIMEOUT)) {
      load.openAccounts();
      load.start(Faults.KV_CLIENTS, Faults.BANK_CLIENTS, seed);
      ledger.start(2);
      Thread.sleep(3_000);

      long crashNs = System.nanoTime();
      Map<Integer, ReplicaStatus> back = c.crashAndRestartFromDisk(victims, RESUME);
      long resumedNs = System.nanoTime();
      for (Map.Entry<Integer, ReplicaStatus> e : back.entrySet()) {
        ReplicaStatus.Storage st = e.getValue().storage();
        assertTrue(st.durable() && Path.of(st.dataDir()).toAbsolutePath().equals(c.dataDirectory(e.getKey()))
            && !st.failed(), name + ": replica " + e.getKey() + " runs durable on its own data directory "
            + c.dataDirectory(e.getKey()) + ", its disk taking writes: " + st);
      }
      Thread.sleep(3_000);
      ledger.stop();
      load.stop();

      long before = ledger.ackedBefore(crashNs);
      long after = ledger.ackedAfter(resumedNs);
      assertTrue(before > 0, name + ": writes were acknowledged before the crash (else nothing is tested)");
      assertTrue(after > 0, name + ": writes are acknowledged again once the replicas are back (the group resumed)");

      Checks.Verdict v = Checks.verify(c, load, name);
      List<String> missing = ledger.missing();
      if (!missing.isEmpty()) {
        throw new AssertionError(name + ": " + missing.size() + " of " + ledger.acks().size()
            + " acknowledged writes to keys of their own are not readable after the restart from disk, e.g. "
            + missing.subList(0, Math.min(10, missing.size())) + "\n" + c.logReport());
      }
      String line = String.format(Locale.ROOT, "%-18s replicas %s killed together and restarted from disk: resumed"
              + " %.1f s after the crash; %d ledger writes acknowledged (%d before the crash, %d after the group"
              + " resumed), all readable; history %d ops (%d ok, %d fail, %d unknown), linearizable; %.1f s",
          name, victims, (resumedNs - crashNs) / 1e9, ledger.acks().size(), before, after, v.ops(), v.ok(),
          v.failed(), v.unknown(), (System.nanoTime() - t0) / 1e9);
      ChoraCluster.log("RESULT " + line);
      report.append("  ").append(line).append('\n');
    }
  }
}
