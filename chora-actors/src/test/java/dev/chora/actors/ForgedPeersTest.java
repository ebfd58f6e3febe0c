package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.chora.actors.client.ClientGateway;
import dev.chora.actors.control.PeerLinkGrant;
import dev.chora.actors.control.StatusQuery;
import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes that are not replica 1 send replica 0 peer messages claiming to come from replica 1, and a
 * node outside the cluster sends it client batches and status queries: neither may change what
 * replica 0 does.
 */
class ForgedPeersTest {
  LocalGroup group;
  ActorSystem<Void> outsider;

  @AfterEach
  void stop() throws Exception {
    if (outsider != null) {
      outsider.terminate();
      outsider.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.close();
    }
  }

  void start() throws Exception {
    group = new LocalGroup(3, 1, LocalGroup.CLUSTER
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 3s\n"
        + "chora.protocol.round-timeout = 20ms\n"
        + "chora.protocol.round-timeout-max = 100ms\n"
        + "chora.protocol.view-change-timeout = 200ms\n"
        // Suspicion off: on a busy machine no view change but a forged one can happen.
        + "chora.protocol.suspect-after-rounds = 1000000\n"
        + "chora.protocol.suspect-after-max = 1h\n", ArteryTransport.Kind.TCP);
    for (ActorSystem<Void> system : group.systems) {
      Chora.get(system).startReplica(new ThreeSystemsTest.Counter());
    }
  }

  ActorSystem<Void> member() {
    return group.clients.get(0);
  }

  ReplicaStatus status(int id) throws Exception {
    return Chora.get(member()).replicaStatus(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  ReplicaStatus awaitStatus(int id, Predicate<ReplicaStatus> condition) throws Exception {
    return LocalGroup.awaitStatus(member(), id, condition);
  }

  static <T> ActorRef<T> replicaRef(ActorSystem<?> from, ActorSystem<?> replicaNode) {
    return ActorRefResolver.get(from).resolveActorRef(replicaNode.address() + "/system/chora-replica");
  }

  @Test
  void peerMessagesClaimingAnotherReplicasIdAreDroppedAndCounted() throws Exception {
    start();
    ReplicaStatus before = awaitStatus(0, s -> s.view().isNormal() && s.view().activeSet() == 0b111);
    long forgedView = before.view().number() + 100;
    // Replica 0 is addressed the way its real peers address it; the client node and replica 2's
    // node each claim to be replica 1.
    for (ActorSystem<Void> forger : List.of(member(), group.get(2))) {
      ActorRef<PeerMessage> replica0 = replicaRef(forger, group.get(0));
      for (int k = 0; k < 20; k++) {
        replica0.tell(new StartViewChange(forgedView + k, 1));
      }
    }
    // A grant of an inbox claiming to be replica 1's, which would have replica 0 send replica 1's
    // messages to the client node.
    TestProbe<PeerMessage> stolen = TestProbe.create(member());
    replicaRef(member(), group.get(0)).tell(new PeerLinkGrant(1, 12345L, stolen.getRef()));
    ReplicaStatus after = awaitStatus(0, s -> s.refused().forgedPeerMessages() >= 41
        || s.view().number() >= forgedView);
    assertTrue(after.view().number() < forgedView, "replica 0 believed StartViewChange messages that claimed to come"
        + " from replica 1 and were sent by other nodes: it went from view " + before.view().number() + " to "
        + after.view() + " (" + after.viewChanges() + ")");
    assertEquals(41, after.refused().forgedPeerMessages(), after.toString());
    // The group is unaffected.
    for (int id = 0; id < 3; id++) {
      ReplicaStatus s = awaitStatus(id, st -> st.view().isNormal() && st.view().activeSet() == 0b111);
      assertEquals(before.view().number(), s.view().number(), "replica " + id + ": " + s);
    }
    // Replica 0 still sends replica 1 its messages, to replica 1.
    long committed = status(1).progress().commitIndex();
    awaitStatus(1, st -> st.progress().commitIndex() > committed);
    stolen.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * The client path end to end: a member's gateway gets its command executed and answered; a node
   * outside the cluster sends the same replica a client batch and a status query, and both are
   * refused and counted, nothing executed. Without the check the outsider would be answered.
   */
  @Test
  void aMembersClientBatchIsAnsweredAndANonMembersIsRefused() throws Exception {
    start();
    awaitStatus(0, s -> s.view().isNormal() && s.view().activeSet() == 0b111);
    long session = ask(Request.openSession(-41)).openedSessionId();
    assertEquals(ClientReply.Status.OK, ask(new Request(session, 1, new byte[] {1})).status(), "a member's command");
    // The member's first status polls may have come before replica 0 saw it join, and been refused.
    ReplicaStatus base = awaitStatus(0, s -> s.requests().executed() >= 1);

    // A node that reaches the replicas over Artery without joining their cluster: provider remote.
    outsider = ActorSystem.create(Behaviors.empty(), "chora", ConfigFactory.parseString(
            "pekko.actor.provider = remote\npekko.loglevel = WARNING\n")
        .withFallback(ArteryTransport.of(ArteryTransport.Kind.TCP, null, ArteryTransport.freePort(ArteryTransport.HOST),
            ArteryTransport.SHARED_IDLE_CPU_LEVEL))
        .withFallback(ConfigFactory.load()));
    ActorRef<Object> replica0 = replicaRef(outsider, group.get(0));

    TestProbe<ClientReplies> replies = TestProbe.create(outsider);
    String replyTo = ActorRefResolver.get(outsider).toSerializationFormat(replies.getRef());
    replica0.tell(new ClientBatch(replyTo, List.of(new Request(42, 1, new byte[] {1})), List.of()));
    try {
      ReplicaStatus answered = AskPattern.<Object, ReplicaStatus>ask(replica0, StatusQuery::new, Duration.ofSeconds(3),
          outsider.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("replica 0 answered a status query from a node outside the cluster: " + answered);
    } catch (java.util.concurrent.ExecutionException e) {
      assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, e.toString());
    }
    // Both were refused, not merely slow; the batch, sent first, has been refused by now.
    awaitStatus(0, s -> s.refused().fromNonMembers() >= base.refused().fromNonMembers() + 2);
    replies.expectNoMessage(Duration.ofMillis(200));
    assertEquals(base.requests().executed(), status(0).requests().executed(), "the outsider's command was executed");
  }

  private ClientReply ask(Request request) throws Exception {
    CompletableFuture<ClientReply> answer = new CompletableFuture<>();
    Chora.get(member()).gateway().tell(new ClientGateway.Ask(request, false,
        System.nanoTime() + TimeUnit.SECONDS.toNanos(30), answer));
    return answer.get(40, TimeUnit.SECONDS);
  }
}
