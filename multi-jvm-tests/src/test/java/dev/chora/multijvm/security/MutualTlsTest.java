package dev.chora.multijvm.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import dev.chora.actors.Chora;
import dev.chora.actors.StateDigest;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.Total;
import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import dev.chora.multijvm.ExamplesSetup;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.TlsStores;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three replica JVMs and the test JVM on Artery's tls-tcp, each member with a key pair of its own
 * signed by the cluster's throwaway authority: the group serves. A node whose key pair the
 * authority did not sign (it trusts the cluster, the cluster does not trust it) can neither join
 * the cluster nor get a command applied.
 */
class MutualTlsTest {

  @RegisterExtension
  static ChoraClusterExtension cluster = ChoraClusterExtension.of(ExamplesSetup.class,
      b -> b.replicas(3).transport(ArteryTransport.Kind.TLS_TCP));

  private static final Duration ASK = Duration.ofSeconds(20);

  @Test
  void membersWithTheClustersCertificatesServeAndAStrangerIsRefused(ChoraCluster c) throws Exception {
    assertEquals("tls-tcp", c.system().settings().config().getString("pekko.remote.artery.transport"));
    long total = 0;
    for (int i = 1; i <= 20; i++) {
      total = c.entityRefFor(ExampleEntities.COUNTER, "tls").ask(new Add(i), ASK).toCompletableFuture()
          .get(ASK.toSeconds() + 10, TimeUnit.SECONDS).value();
    }
    assertEquals(210, total, "every write applied once");
    Map<Integer, StateDigest> before = c.awaitConverged(Duration.ofSeconds(60));

    TlsStores strangerKeys = c.tlsAuthority().stranger("stranger", ArteryTransport.HOST);
    Config strangerConfig = c.outsiderConfig(port -> ArteryTransport.tlsTcp(port, strangerKeys));
    ActorSystem<Void> stranger = ActorSystem.create(Behaviors.empty(), "chora", strangerConfig);
    try {
      Address strangerAddress = stranger.address();
      ChoraCluster.log("a stranger with an unsigned key pair at " + strangerAddress + " tries to join and write");
      CompletableFuture<Total> write = Chora.get(stranger).entityRefFor(ExampleEntities.COUNTER, "tls")
          .ask(new Add(1_000_000), Duration.ofSeconds(10)).toCompletableFuture();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> write.get(60, TimeUnit.SECONDS),
          "the stranger's command is never answered");
      ChoraCluster.log("the stranger's ask failed: " + failed.getCause());
      // It has been trying to join since it started (its seed is the test JVM); the handshakes fail.
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < until) {
        assertFalse(Cluster.get(stranger).selfMember().status() == MemberStatus.up(), "the stranger never joins");
        for (Member m : Cluster.get(c.system()).state().getMembers()) {
          assertFalse(m.address().equals(strangerAddress), "the cluster never lists the stranger: " + m);
        }
        Thread.sleep(200);
      }
    } finally {
      stranger.terminate();
      try {
        stranger.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // Pekko 1.7.0 can wait forever for Artery's streams at termination (docs/transport.md,
        // "Known issue"); what this test checks does not depend on it.
        ChoraCluster.log("the stranger's actor system did not terminate within 30 s");
      }
    }

    assertEquals(shas(before), shas(c.digests()), "no replica's state changed");
    Total after = c.entityRefFor(ExampleEntities.COUNTER, "tls").ask(new Add(0), ASK).toCompletableFuture()
        .get(ASK.toSeconds() + 10, TimeUnit.SECONDS);
    assertEquals(210, after.value(), "the stranger's write was not applied; the group still serves");
  }

  private static Map<Integer, String> shas(Map<Integer, StateDigest> digests) {
    Map<Integer, String> m = new java.util.TreeMap<>();
    digests.forEach((id, d) -> m.put(id, d.sha256()));
    return m;
  }
}
