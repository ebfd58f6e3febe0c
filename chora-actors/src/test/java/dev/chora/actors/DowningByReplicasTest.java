package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.chora.actors.EntitiesTest.Add;
import dev.chora.actors.entity.EntityType;
import dev.chora.runtime.config.InvalidConfigException;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.remote.RARP;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;

/**
 * Pekko's split-brain resolver decides by the replicas, not by every member: client nodes are
 * members too, and a partition that leaves most of them beside a minority of replicas must not
 * down the majority of replicas. Uses the library's default downing settings (reference.conf).
 */
class DowningByReplicasTest {
  LocalGroup group;

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  @Test
  void aPartitionKeepsTheSideWithMostReplicasUpEvenWithFewerMembers() throws Exception {
    group = new LocalGroup(3, 2, "pekko.actor.provider = cluster\n"
        + "pekko.cluster.jmx.enabled = off\n"
        + "pekko.remote.artery.advanced.test-mode = on\n"
        + "pekko.cluster.failure-detector.heartbeat-interval = 200ms\n"
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 2s\n"
        + "pekko.cluster.split-brain-resolver.stable-after = 4s\n"
        // Every system shares this JVM: a busy moment must not read as an unstable cluster.
        + "pekko.cluster.split-brain-resolver.down-all-when-unstable = off\n"
        + EntitiesTest.COUNTER_CONFIG, ArteryTransport.Kind.TCP);
    for (ActorSystem<Void> system : group.systems) {
      Chora.get(system).startReplica(List.of(EntityType.of(EntitiesTest.COUNTER, id -> new EntitiesTest.Counter())));
    }
    List<ActorSystem<Void>> all = new ArrayList<>(group.systems);
    all.addAll(group.clients);
    Polling.until("all 5 members up on every node", Duration.ofSeconds(60), () -> all.stream().allMatch(s ->
        cluster(s).state().members().count(m -> m.status() == MemberStatus.up()) == 5));
    assertEquals(1, write(group.get(0), "before").value());

    // Replica 2 and both client nodes (3 of 5 members, 1 of 3 replicas) | replicas 0 and 1.
    List<ActorSystem<Void>> lone = List.of(group.get(2), group.clients.get(0), group.clients.get(1));
    List<ActorSystem<Void>> two = List.of(group.get(0), group.get(1));
    for (ActorSystem<Void> a : lone) {
      for (ActorSystem<Void> b : two) {
        blackhole(a, b);
        blackhole(b, a);
      }
    }
    Polling.until("one side of the partition downed", Duration.ofSeconds(90),
        () -> lone.stream().allMatch(DowningByReplicasTest::terminated)
            || two.stream().anyMatch(DowningByReplicasTest::terminated));
    for (int id : new int[] {0, 1}) {
      assertFalse(terminated(group.get(id)), "replica " + id + " (one of the two replicas on the side with most"
          + " replicas) was downed by the side holding one replica and both client nodes");
    }
    Polling.until("replicas 0 and 1 alone in the cluster, both up", Duration.ofSeconds(60),
        () -> two.stream().allMatch(s -> cluster(s).state().members().size() == 2
            && cluster(s).state().members().forall(m -> m.status() == MemberStatus.up())));
    assertTrue(lone.stream().allMatch(DowningByReplicasTest::terminated), "the lone replica's side downed itself");
    // The two replicas are a majority of the group: writes go on.
    assertEquals(1, write(group.get(0), "after").value());
    assertEquals(2, write(group.get(1), "after").value());
  }

  @Test
  void aReplicaOnANodeWithoutTheReplicaRoleIsRefused() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      addresses.add("\"pekko://chora@127.0.0.1:" + ArteryTransport.freePort(ArteryTransport.HOST) + "\"");
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "chora", ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
            + "pekko.cluster.jmx.enabled = off\n"
            + "pekko.loglevel = WARNING\n"
            + "pekko.cluster.roles = [\"worker\"]\n"
            + "chora.replica-id = 0\n"
            + "chora.replicas = " + addresses + "\n")
        .withFallback(ArteryTransport.of(ArteryTransport.Kind.TCP, null,
            Integer.parseInt(addresses.get(0).replaceAll(".*:(\\d+)\"", "$1")), ArteryTransport.SHARED_IDLE_CPU_LEVEL))
        .withFallback(ConfigFactory.load()));
    try {
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Chora.get(system)
          .startReplica(List.of(EntityType.of(EntitiesTest.COUNTER, id -> new EntitiesTest.Counter()))));
      assertTrue(e.getMessage().contains("pekko.cluster.roles") && e.getMessage().contains("\"chora-replica\""),
          e.getMessage());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static EntitiesTest.Total write(ActorSystem<Void> node, String entity) throws Exception {
    return Chora.get(node).entityRefFor(EntitiesTest.COUNTER, entity).ask(new Add(1), Duration.ofSeconds(30))
        .toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Cluster cluster(ActorSystem<Void> s) {
    return Cluster.get(Adapter.toClassic(s));
  }

  private static boolean terminated(ActorSystem<Void> s) {
    return s.getWhenTerminated().toCompletableFuture().isDone();
  }

  /** Artery's test mode drops every message between {@code on} and {@code peer}, both ways, on {@code on}. */
  private static void blackhole(ActorSystem<Void> on, ActorSystem<Void> peer) throws Exception {
    RARP rarp = (RARP) RARP.get(Adapter.toClassic(on));
    Await.result(rarp.provider().transport().managementCommand(new ThrottlerTransportAdapter.SetThrottle(
            peer.address(), ThrottlerTransportAdapter.bothDirection(), ThrottlerTransportAdapter.blackholeThrottleMode())),
        scala.concurrent.duration.Duration.create(5, TimeUnit.SECONDS));
  }

}
