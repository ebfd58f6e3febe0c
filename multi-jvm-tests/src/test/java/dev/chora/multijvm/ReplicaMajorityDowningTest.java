package dev.chora.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.Total;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client nodes are cluster members, but the split-brain resolver must decide by the replicas: three
 * replica JVMs, the test JVM and three client members; a partition puts replica 2 beside the three
 * client members (4 of 7 members, 1 of 3 replicas) and replicas 0 and 1 beside the test JVM. The
 * two replicas' side stays up and serves writes; the lone replica's side is downed.
 */
class ReplicaMajorityDowningTest {
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void theSideWithMostReplicasStaysUpThoughTheOtherHasMostMembers() throws Exception {
    try (ChoraCluster cluster = ChoraCluster.builder(ExamplesSetup.class).replicas(3)
        .transport(ArteryTransport.Kind.TCP)
        .config("pekko.cluster.split-brain-resolver.stable-after = 4s\n")
        .name("ReplicaMajorityDowningTest").start()) {
      List<ActorSystem<Void>> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        clients.add(cluster.startClientSystem(Duration.ofSeconds(60)));
      }
      EntityRef<Add, Total> counter = cluster.entityRefFor(ExampleEntities.COUNTER, "downing");
      assertEquals(1, counter.ask(new Add(1), Duration.ofSeconds(20)).toCompletableFuture().get(30, TimeUnit.SECONDS)
          .value());

      cluster.partition(List.of(2), List.of(0, 1));
      cluster.cutTestJvmMember(cluster.system(), List.of(2), clients);
      for (ActorSystem<Void> c : clients) {
        cluster.cutTestJvmMember(c, List.of(0, 1), List.of());
      }
      Polling.until("one side of the partition downed", Duration.ofSeconds(120),
          () -> clients.stream().allMatch(ReplicaMajorityDowningTest::terminated) || terminated(cluster.system())
              || !cluster.node(0).isAlive() || !cluster.node(1).isAlive());
      assertFalse(terminated(cluster.system()), "the test JVM (beside replicas 0 and 1, two of three replicas) was"
          + " downed by the side holding one replica and three client members");
      assertTrue(cluster.node(0).isAlive() && cluster.node(1).isAlive(), "replicas 0 and 1 run");
      Polling.until("replicas 0 and 1 and the test JVM alone in the cluster, all up", Duration.ofSeconds(60), () -> {
        int up = 0;
        int all = 0;
        for (Member m : Cluster.get(cluster.system()).state().getMembers()) {
          all++;
          up += m.status() == MemberStatus.up() ? 1 : 0;
        }
        return all == 3 && up == 3;
      });
      // The two replicas are a majority of the group: writes go on, from the test JVM and from replica 0's node.
      assertEquals(2, counter.ask(new Add(1), Duration.ofSeconds(20)).toCompletableFuture()
          .get(30, TimeUnit.SECONDS).value());
      assertEquals(3, cluster.node(0).ask(ExampleEntities.COUNTER, "downing", new Add(1), Duration.ofSeconds(20))
          .value());
    }
  }

  private static boolean terminated(ActorSystem<Void> s) {
    return s.getWhenTerminated().toCompletableFuture().isDone();
  }

}
