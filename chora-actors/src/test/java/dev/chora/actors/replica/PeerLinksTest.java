package dev.chora.actors.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.control.PeerLinkGrant;
import dev.chora.actors.control.PeerLinkRequest;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replicas' {@link PeerLinks}, each in an actor that does with them what ReplicaActor does
 * (handshake messages in, peer messages out through the outboxes, the authenticity check on what
 * comes in), and reports each peer message it receives with the check's verdict.
 */
class PeerLinksTest {
  final ActorTestKit kit = ActorTestKit.create();
  final TestProbe<Received> received = kit.createTestProbe();
  final List<ActorRef<Object>> nodes = new ArrayList<>();

  record Received(int at, PeerMessage message, boolean authentic) {}

  /** Has the node send {@code message} to replica {@code to}, through its outbox. */
  record Send(int to, PeerMessage message) {}

  /** Answers whether the node holds every peer's inbox. */
  record Linked(ActorRef<Boolean> replyTo) {}

  /** Answers how many link requests the node has received. */
  record Requests(ActorRef<Integer> replyTo) {}

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  Behavior<Object> node(int self, List<String> paths) {
    return Behaviors.setup(ctx -> {
      PeerLinks links = new PeerLinks(ctx, self, paths);
      int[] requests = new int[1];
      Runnable askLinks = () -> { // as ReplicaActor.Running.askLinks, without its one-timer guard
        if (links.askMissing(System.nanoTime())) {
          ctx.scheduleOnce(PeerLinks.ASK_EVERY, ctx.getSelf(), PeerLinks.AskAgain.INSTANCE);
        }
      };
      askLinks.run();
      return Behaviors.receive(Object.class)
          .onMessage(PeerLinkRequest.class, r -> {
            requests[0]++;
            links.requested(r, System.nanoTime());
            return Behaviors.same();
          })
          .onMessage(PeerLinkGrant.class, g -> {
            links.granted(g);
            return Behaviors.same();
          })
          .onMessageEquals(PeerLinks.AskAgain.INSTANCE, () -> {
            askLinks.run();
            return Behaviors.same();
          })
          .onMessage(Send.class, s -> {
            links.send(s.to(), s.message());
            return Behaviors.same();
          })
          .onMessage(Linked.class, l -> {
            boolean all = true;
            for (int id = 0; id < paths.size(); id++) {
              all &= id == self || links.outbox(id) != null;
            }
            l.replyTo().tell(all);
            return Behaviors.same();
          })
          .onMessage(Requests.class, r -> {
            r.replyTo().tell(requests[0]);
            return Behaviors.same();
          })
          .onMessage(PeerMessage.class, m -> {
            received.getRef().tell(new Received(self, m, links.authentic(m)));
            return Behaviors.same();
          })
          .build();
    });
  }

  List<String> paths() {
    List<String> paths = new ArrayList<>();
    for (int id = 0; id < 3; id++) {
      paths.add(kit.system().address() + "/user/replica-" + id);
    }
    return paths;
  }

  ActorRef<Object> start(int id) {
    ActorRef<Object> node = kit.spawn(node(id, paths()), "replica-" + id);
    if (nodes.size() > id) {
      nodes.set(id, node);
    } else {
      nodes.add(node);
    }
    return node;
  }

  void awaitLinked(ActorRef<Object> node) {
    TestProbe<Boolean> linked = kit.createTestProbe();
    linked.awaitAssert(Duration.ofSeconds(20), () -> {
      node.tell(new Linked(linked.getRef()));
      assertTrue(linked.receiveMessage());
      return null;
    });
  }

  int requestsReceived(ActorRef<Object> node) {
    TestProbe<Integer> count = kit.createTestProbe();
    node.tell(new Requests(count.getRef()));
    return count.receiveMessage();
  }

  void startLinked() {
    for (int id = 0; id < 3; id++) {
      start(id);
    }
    nodes.forEach(this::awaitLinked);
  }

  @Test
  void aPeerMessageCountsOnlyFromTheReplicaItNames() {
    startLinked();
    nodes.get(0).tell(new Send(2, new StartViewChange(5, 0)));
    Received own = received.receiveMessage();
    assertEquals(2, own.at());
    assertTrue(own.authentic(), "replica 0's own message, through replica 2's inbox for it");

    nodes.get(0).tell(new Send(2, new StartViewChange(6, 1)));
    assertFalse(received.receiveMessage().authentic(), "replica 0 claiming to be replica 1");

    nodes.get(2).tell(new StartViewChange(7, 1)); // straight to the replica, through no inbox
    assertFalse(received.receiveMessage().authentic(), "a message that came through no inbox");
  }

  /**
   * A replica that missed a view's StartView gets it again from any replica that holds it
   * (ViewAdoption.sendLastStartView): the coordinator's message, named after the coordinator,
   * relayed by another replica. Refusing it leaves that replica outside the view for good once the
   * coordinator is gone.
   */
  @Test
  void aStartViewRelayedByAnotherReplicaCounts() {
    startLinked();
    StartView coordinators = new StartView(3, 1, 0b111, 10, 9, 0, List.of());
    nodes.get(0).tell(new Send(2, coordinators));
    Received relayed = received.receiveMessage();
    assertEquals(coordinators, relayed.message());
    assertTrue(relayed.authentic(), "replica 1's StartView, relayed by replica 0, was refused as forged");

    nodes.get(2).tell(coordinators); // through no inbox: not from a replica at all
    assertFalse(received.receiveMessage().authentic(), "a StartView that came through no inbox");
  }

  /** Peers start a moment apart: what one sends a peer before that peer has granted its inbox is held, not lost. */
  @Test
  void messagesForAPeerNotLinkedYetAreSentWithItsGrant() {
    start(0);
    StartViewChange early = new StartViewChange(1, 0);
    nodes.get(0).tell(new Send(1, early)); // replica 1 does not exist yet
    start(1);
    start(2);
    Received first = received.receiveMessage(Duration.ofSeconds(20));
    assertEquals(new Received(1, early, true), first);
    nodes.forEach(this::awaitLinked);
  }

  /**
   * A peer that starts anew (a new incarnation: new inboxes) is asked for its new inbox at once,
   * and once every link is current the replicas stop asking: no request ping-pong.
   */
  @Test
  void aRestartedPeerIsRelinkedAndTheAskingStops() throws Exception {
    startLinked();
    TestProbe<Object> watcher = kit.createTestProbe();
    kit.stop(nodes.get(1));
    watcher.expectTerminated(nodes.get(1), Duration.ofSeconds(10));
    start(1);
    awaitLinked(nodes.get(1));
    // Replica 0 learns replica 1's new inbox without waiting for anything but the handshake.
    received.awaitAssert(Duration.ofSeconds(20), () -> {
      nodes.get(0).tell(new Send(1, new StartViewChange(9, 0)));
      Received r = received.receiveMessage(Duration.ofMillis(500));
      assertEquals(1, r.at());
      assertTrue(r.authentic());
      return null;
    });
    received.expectNoMessage(Duration.ofMillis(600)); // the retries' surplus answers, if any
    int[] before = {requestsReceived(nodes.get(0)), requestsReceived(nodes.get(1)), requestsReceived(nodes.get(2))};
    Thread.sleep(10 * PeerLinks.ASK_EVERY.toMillis()); // the window in which ping-pong would show
    int[] after = {requestsReceived(nodes.get(0)), requestsReceived(nodes.get(1)), requestsReceived(nodes.get(2))};
    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(after),
        "link requests went on after every link was current");
  }
}
