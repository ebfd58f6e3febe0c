package dev.chora.multijvm.faults;

import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import dev.chora.multijvm.ChoraNode;
import dev.chora.multijvm.ExamplesSetup;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The CI subset of the fault tests: one run of each kind, N = 3, each under concurrent load with a
 * Jepsen-style history and the checks of {@link Checks}, over one Artery transport per concrete
 * class: {@code FaultsTest} (aeron-udp with a shared media driver, the project's default
 * deployment) and {@code FaultsOverTcpTest} (Artery tcp, {@code chora node}'s default). One cluster
 * serves a class; before each test every replica runs and is active (a replica a previous test
 * killed is restarted with its state lost). The full campaign is {@code FaultCampaignTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class FaultSubset {

  /** The cluster of three replicas over {@code transport}, for a concrete class's static extension field. */
  static ChoraClusterExtension clusterOver(ArteryTransport.Kind transport) {
    return ChoraClusterExtension.of(ExamplesSetup.class, b -> b.replicas(3).transport(transport));
  }

  /** The concrete class's cluster. */
  abstract ChoraCluster cluster();

  private final StringBuilder report = new StringBuilder();

  @BeforeEach
  void everyReplicaRunsAndIsActive() throws Exception {
    ChoraCluster c = cluster();
    c.heal();
    for (ChoraNode n : c.nodes()) {
      if (!n.isAlive()) {
        n.restart();
      }
    }
    c.awaitAllActive(Duration.ofSeconds(90));
  }

  @AfterAll
  void printReport() {
    ChoraCluster.log("fault tests (CI subset, " + cluster().transport().label() + "):\n" + report);
  }

  private void report(Faults.Report r) {
    report.append("  ").append(r.line()).append('\n');
  }

  @Test
  @Order(1)
  void killOneReplicaThenASecondOnceTheFirstRejoined() throws Exception {
    Faults.Report r = Faults.killOneThenAnother(cluster(), "kill-kill", 1, 2, 11);
    report(r);
    r.assertServiceContinued();
  }

  @Test
  @Order(2)
  void pauseOneReplicaForSecondsThenResume() throws Exception {
    report(Faults.pauseAndResume(cluster(), "pause", 2, Duration.ofSeconds(5), 12));
  }

  @Test
  @Order(3)
  void isolateAMinorityThenHeal() throws Exception {
    report(Faults.minorityPartition(cluster(), "partition", List.of(0), Duration.ofSeconds(5), 13));
  }

  @Test
  @Order(4)
  void restartAReplicaWithItsStateLostUnderLoad() throws Exception {
    report(Faults.restartStateLost(cluster(), "restart", 1, 14));
  }

  @Test
  @Order(5)
  void splitTheOldActiveSetThenHeal() throws Exception {
    report(Faults.activeSetSplit(cluster(), "split", List.of(0), List.of(1), Duration.ofSeconds(4), 15));
  }

  @Test
  @Order(6)
  void cutOneLinkOneWayThenHeal() throws Exception {
    report(Faults.oneWayPartition(cluster(), "one-way", 1, 2, Duration.ofSeconds(5), 16));
  }

  @Test
  @Order(7)
  void flapOneReplicasLinksThenHeal() throws Exception {
    report(Faults.flappingLinks(cluster(), "flapping", 2, Duration.ofSeconds(5), 17));
  }

  @Test
  @Order(8)
  void slowAndLossyLinksToOneReplica() throws Exception {
    report(Faults.slowNode(cluster(), "slow", 1, Duration.ofSeconds(5), 18));
  }

  @Test
  @Order(9)
  void aReplicaLeavesCleanlyAndReturns() throws Exception {
    report(Faults.leaveAndReturn(cluster(), "leave", 2, 19));
  }

  @Test
  @Order(10)
  void garbageAtAReplicasPort() throws Exception {
    report(Faults.garbage(cluster(), "garbage", 0, 3_000, 20));
  }

  @Test
  @Order(11)
  void malformedMessagesFromAStrangerSystem() throws Exception {
    report(Faults.strangerMessages(cluster(), "stranger", 0, 600, 21));
  }

  @Test
  @Order(12)
  void pauseOneReplicaBeyondTheAeronClientLivenessTimeout() throws Exception {
    report(Faults.longPause(cluster(), "long-pause", 1, 22));
  }
}
