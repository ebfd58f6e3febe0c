package dev.chora.multijvm.faults;

import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import dev.chora.multijvm.ChoraNode;
import dev.chora.multijvm.ExamplesSetup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CI subset of the fault tests: one run of each kind, N = 3, over aeron-udp with a shared media
 * driver, each under concurrent load with a Jepsen-style history and the checks of {@link Checks}.
 * One cluster serves the class; before each test every replica runs and is active (a replica a
 * previous test killed is restarted with its state lost). The full campaign is
 * {@code FaultCampaignTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultsTest {

  @RegisterExtension
  static final ChoraClusterExtension CLUSTER = ChoraClusterExtension.of(ExamplesSetup.class, b -> b.replicas(3));

  private static final StringBuilder REPORT = new StringBuilder();

  @BeforeEach
  void everyReplicaRunsAndIsActive() throws Exception {
    ChoraCluster c = CLUSTER.get();
    c.heal();
    for (ChoraNode n : c.nodes()) {
      if (!n.isAlive()) {
        n.restart();
      }
    }
    c.awaitAllActive(Duration.ofSeconds(90));
  }

  @AfterAll
  static void printReport() {
    ChoraCluster.log("fault tests (CI subset):\n" + REPORT);
  }

  private static void report(Faults.Report r) {
    REPORT.append("  ").append(r.line()).append('\n');
  }

  @Test
  @Order(1)
  void killOneReplicaThenASecondOnceTheFirstRejoined() throws Exception {
    Faults.Report r = Faults.killOneThenAnother(CLUSTER.get(), "kill-kill", 1, 2, 11);
    report(r);
    r.assertServiceContinued();
  }

  @Test
  @Order(2)
  void pauseOneReplicaForSecondsThenResume() throws Exception {
    report(Faults.pauseAndResume(CLUSTER.get(), "pause", 2, Duration.ofSeconds(5), 12));
  }

  @Test
  @Order(3)
  void isolateAMinorityThenHeal() throws Exception {
    report(Faults.minorityPartition(CLUSTER.get(), "partition", List.of(0), Duration.ofSeconds(5), 13));
  }

  @Test
  @Order(4)
  void restartAReplicaWithItsStateLostUnderLoad() throws Exception {
    report(Faults.restartStateLost(CLUSTER.get(), "restart", 1, 14));
  }

  @Test
  @Order(5)
  void splitTheOldActiveSetThenHeal() throws Exception {
    report(Faults.activeSetSplit(CLUSTER.get(), "split", List.of(0), List.of(1), Duration.ofSeconds(4), 15));
  }

  @Test
  @Order(6)
  void cutOneLinkOneWayThenHeal() throws Exception {
    report(Faults.oneWayPartition(CLUSTER.get(), "one-way", 1, 2, Duration.ofSeconds(5), 16));
  }

  @Test
  @Order(7)
  void flapOneReplicasLinksThenHeal() throws Exception {
    report(Faults.flappingLinks(CLUSTER.get(), "flapping", 2, Duration.ofSeconds(5), 17));
  }

  @Test
  @Order(8)
  void slowAndLossyLinksToOneReplica() throws Exception {
    report(Faults.slowNode(CLUSTER.get(), "slow", 1, Duration.ofSeconds(5), 18));
  }

  @Test
  @Order(9)
  void aReplicaLeavesCleanlyAndReturns() throws Exception {
    report(Faults.leaveAndReturn(CLUSTER.get(), "leave", 2, 19));
  }

  @Test
  @Order(10)
  void garbageDatagramsAtAReplicasAeronPort() throws Exception {
    report(Faults.garbageDatagrams(CLUSTER.get(), "garbage", 0, 3_000, 20));
  }

  @Test
  @Order(11)
  void malformedMessagesFromAStrangerSystem() throws Exception {
    report(Faults.strangerMessages(CLUSTER.get(), "stranger", 0, 600, 21));
  }
}
