package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.EntitiesTest.Add;
import dev.chora.actors.EntitiesTest.Total;
import dev.chora.actors.entity.EntityMessage;
import dev.chora.actors.entity.EntityRef;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster member without a replica asks entities as a sharding proxy would: through its gateway,
 * batched, to the replicas, failing over when one dies. The entities here are typed behaviors.
 */
class RemoteClientsTest {
  static final EntityTypeKey<Add, Total> COUNTER = EntityTypeKey.create("behavior-counter", Add.class, Total.class);

  /** A counter written as a typed behavior: its state is the behavior it returns. */
  static Behavior<EntityMessage<Add, Total>> counter(String id, byte[] snapshot) {
    return counting(snapshot == null ? 0 : ByteBuffer.wrap(snapshot).getLong());
  }

  static Behavior<EntityMessage<Add, Total>> counting(long total) {
    return Behaviors.receiveMessage(message -> {
      if (message instanceof EntityMessage.Command<Add, Total> c) {
        long next = total + c.command().by();
        c.replyTo().tell(new Total(next));
        return counting(next);
      }
      if (message instanceof EntityMessage.TakeSnapshot<Add, Total> s) {
        s.replyTo().tell(ByteBuffer.allocate(8).putLong(total).array());
      }
      return Behaviors.same();
    });
  }

  LocalGroup group;

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  void start() throws Exception {
    group = new LocalGroup(3, 1, LocalGroup.CLUSTER
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 1s\n"
        + "pekko.coordinated-shutdown.run-by-actor-system-terminate = off\n"
        + "pekko.actor.serializers.test = \"dev.chora.actors.TestSerializer\"\n"
        + "pekko.actor.serialization-bindings {\n"
        + "  \"dev.chora.actors.EntitiesTest$Add\" = test\n"
        + "  \"dev.chora.actors.EntitiesTest$Total\" = test\n"
        + "}\n"
        // Every gateway on a dispatcher of its own (one thread), so that the test can see it used.
        + "chora-test-gateway-dispatcher { type = Dispatcher, executor = \"thread-pool-executor\",\n"
        + "  thread-pool-executor.fixed-pool-size = 1 }\n"
        + "chora.client-dispatcher = \"chora-test-gateway-dispatcher\"\n"
        + "chora.protocol.round-timeout = 20ms\n"
        + "chora.protocol.view-change-timeout = 200ms\n"
        + "chora.protocol.snapshot-every-rounds = 64\n"
        + "chora.protocol.log-window-rounds = 256\n", dev.chora.transport.launch.ArteryTransport.Kind.TCP);
    for (ActorSystem<Void> system : group.systems) {
      Chora.get(system).startReplica(List.of(EntityType.ofBehavior(COUNTER, RemoteClientsTest::counter)));
    }
  }

  ActorSystem<Void> client() {
    return group.clients.get(0);
  }

  /** {@code chains} entities, each sent {@code adds} Add(1)s one after another from the client node. */
  void load(int chains, int adds, String prefix) throws Exception {
    List<CompletableFuture<Total>> all = new ArrayList<>();
    for (int e = 0; e < chains; e++) {
      EntityRef<Add, Total> ref = Chora.get(client()).entityRefFor(COUNTER, prefix + e);
      CompletableFuture<Total> chain = CompletableFuture.completedFuture(null);
      for (int k = 0; k < adds; k++) {
        chain = chain.thenCompose(t -> ref.ask(new Add(1), Duration.ofSeconds(30)).toCompletableFuture());
      }
      all.add(chain);
    }
    for (CompletableFuture<Total> chain : all) {
      assertEquals(adds, chain.get(90, TimeUnit.SECONDS).value());
    }
  }

  /** Waits until the listed replicas report the same digest at the same executed round. */
  StateDigest awaitSameDigest(int... ids) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Set<String> seen = new HashSet<>();
    while (System.nanoTime() < deadline) {
      seen.clear();
      StateDigest first = null;
      for (int id : ids) {
        StateDigest d = Chora.get(client()).stateDigest(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
        seen.add(d.executedRound() + ":" + d.sha256());
        first = first == null ? d : first;
      }
      if (seen.size() == 1) {
        return first;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("replicas never agreed on a digest: " + seen);
  }

  /**
   * Replica {@code id}'s status once it satisfies {@code condition}: on a busy host a slow replica may
   * be out of the active set for a moment, and rejoins.
   */
  ReplicaStatus awaitStatus(int id, java.util.function.Predicate<ReplicaStatus> condition) throws Exception {
    return LocalGroup.awaitStatus(client(), id, condition);
  }

  @Test
  void aNodeWithoutAReplicaAsksBehaviorEntitiesAndEveryReplicaHoldsTheSameState() throws Exception {
    start();
    load(8, 40, "c-");
    StateDigest d = awaitSameDigest(0, 1, 2);
    assertTrue(d.executedRound() > 0);
    for (int id = 0; id < 3; id++) {
      ReplicaStatus s = awaitStatus(id, st -> st.view().isNormal() && st.view().activeSet() == 0b111);
      // A replica that fell behind on a busy host catches up by state transfer, and the commands a
      // snapshot covers are not executed there: the equal digests above already show equal state.
      assertTrue(s.requests().executed() >= 320 || s.progress().stateRequests() > 0,
          "replica " + id + " executed every command or installed a snapshot that holds them: " + s);
      assertTrue(s.rounds().entered() > 0 && s.rounds().commitLatencyP99Millis() > 0, s.toString());
    }
    // The same figures over JMX, one bean per replica.
    Set<ObjectName> beans = ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName("dev.chora:type=Replica,*"), null);
    assertEquals(3, beans.size(), beans.toString());
    // The client node's gateway ran on the dispatcher chora.client-dispatcher names.
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().contains("chora-test-gateway-dispatcher")), "no thread of the gateway's dispatcher");
  }

  @Test
  void theGatewayFailsOverWhenAReplicaDies() throws Exception {
    start();
    load(6, 20, "before-");
    group.systems.get(1).terminate();
    group.systems.get(1).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // Entity ids hash to every replica, replica 1 included: its requests must go elsewhere.
    load(6, 20, "after-");
    awaitSameDigest(0, 2);
    awaitStatus(0, st -> st.view().isNormal() && st.view().activeSet() == 0b101);
  }

  /**
   * A restarted replica is a new cluster member at the old address. The late removal of its old
   * incarnation must not leave the client node's gateway taking the new one for unreachable: before
   * the gateway mapped cluster events by incarnation, it never sent that replica a request again.
   */
  @Test
  void theGatewaySendsToARestartedReplicaAgain() throws Exception {
    start();
    load(6, 10, "before-");
    group.systems.get(1).terminate();
    group.systems.get(1).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    load(6, 10, "while-down-");
    ActorSystem<Void> again = group.restart(1);
    Chora.get(again).startReplica(List.of(EntityType.ofBehavior(COUNTER, RemoteClientsTest::counter)));
    awaitStatus(1, st -> st.view().isNormal() && st.view().activeSet() == 0b111);
    long before = awaitStatus(1, st -> true).requests().proposed();
    // The replicas may take replica 1 back before the client node's cluster has seen the new
    // incarnation up; from then on its gateway must send replica 1 its share again (without the
    // incarnation mapping it never does). Sessions are homed by id over the replicas, so some of
    // each round of load belongs to replica 1.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ReplicaStatus after;
    int rounds = 0;
    do {
      load(12, 5, "after-" + rounds++ + "-");
      after = awaitStatus(1, st -> true);
    } while (after.requests().proposed() - before < 20 && System.nanoTime() < deadline);
    assertTrue(after.requests().proposed() - before >= 20,
        "replica 1 proposes its share of the client node's requests again: " + before + " -> " + after);
    awaitSameDigest(0, 1, 2);
  }

  /**
   * A supervisor that restarts a replica with its first-start configuration (chora.restarted =
   * false) must not make it vote with an empty state: it finds that the group has a history, and
   * recovers as a restarted replica does (FirstStartCheckTest covers the decision; this, the whole
   * way back to the group's state).
   */
  @Test
  void aRestartedReplicaThatClaimsTheFirstStartRecoversInstead() throws Exception {
    start();
    load(6, 10, "before-");
    group.systems.get(1).terminate();
    group.systems.get(1).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    load(6, 10, "while-down-");
    ActorSystem<Void> again = group.restart(1, "chora.restarted = false");
    Chora.get(again).startReplica(List.of(EntityType.ofBehavior(COUNTER, RemoteClientsTest::counter)));
    ReplicaStatus s = awaitStatus(1, st -> st.view().isNormal() && st.view().activeSet() == 0b111);
    assertTrue(s.progress().stateRequests() > 0, "replica 1 caught up by state transfer: " + s);
    load(6, 5, "after-");
    awaitSameDigest(0, 1, 2);
  }

  @Test
  void aReplicaWhoseDispatcherCannotBeCreatedFailsFast() throws Exception {
    group = new LocalGroup(3, "pekko.actor.provider = remote\n");
    // Replica 0's configuration with an executor dispatcher that is not there, on a port of its own
    // (the dispatchers are checked before the node's address).
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(
        "chora.executor-dispatcher = \"no-such-dispatcher\"\npekko.remote.artery.canonical.port = 0")
        .withFallback(group.systems.get(0).settings().config());
    ActorSystem<Void> wrong = ActorSystem.create(Behaviors.empty(), "chora", c);
    try {
      Exception e = assertThrows(dev.chora.runtime.config.InvalidConfigException.class,
          () -> Chora.get(wrong).startReplica(List.of(EntityType.ofBehavior(COUNTER, RemoteClientsTest::counter))));
      assertTrue(e.getMessage().contains("chora.executor-dispatcher: the dispatcher cannot be created")
          && e.getMessage().contains("no-such-dispatcher"), e.getMessage());
    } finally {
      wrong.terminate();
      wrong.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGatewayWhoseDispatcherCannotBeCreatedFailsFast() throws Exception {
    ActorSystem<Void> wrong = ActorSystem.create(Behaviors.empty(), "chora", com.typesafe.config.ConfigFactory
        .parseString("chora.client-dispatcher = \"no-such-dispatcher\"\n"
            + "chora.replicas = [\"pekko://chora@127.0.0.1:25901\", \"pekko://chora@127.0.0.1:25902\","
            + " \"pekko://chora@127.0.0.1:25903\"]\n")
        .withFallback(com.typesafe.config.ConfigFactory.load()));
    try {
      Exception e = assertThrows(dev.chora.runtime.config.InvalidConfigException.class,
          () -> Chora.get(wrong).entityRefFor(COUNTER, "x"));
      assertTrue(e.getMessage().contains("chora.client-dispatcher: the dispatcher cannot be created")
          && e.getMessage().contains("no-such-dispatcher"), e.getMessage());
    } finally {
      wrong.terminate();
      wrong.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNodeClaimingAnotherReplicasIdFailsFast() throws Exception {
    group = new LocalGroup(3, "pekko.actor.provider = remote\n");
    // Node 2 claims id 0: its address is not the one listed for id 0.
    ActorSystem<Void> impostor = group.systems.get(2);
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString("chora.replica-id = 0")
        .withFallback(impostor.settings().config());
    ActorSystem<Void> wrong = ActorSystem.create(Behaviors.empty(), "chora",
        com.typesafe.config.ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0").withFallback(c));
    try {
      Exception e = assertThrows(dev.chora.runtime.config.InvalidConfigException.class,
          () -> Chora.get(wrong).startReplica(List.of(EntityType.ofBehavior(COUNTER, RemoteClientsTest::counter))));
      assertTrue(e.getMessage().contains("chora.replica-id = 0 names"), e.getMessage());
    } finally {
      wrong.terminate();
      wrong.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
