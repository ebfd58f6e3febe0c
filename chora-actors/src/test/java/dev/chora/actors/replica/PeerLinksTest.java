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

  enum Tick { INSTANCE }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  Behavior<Object> node(int self, List<String> paths) {
    return Behaviors.setup(ctx -> {
      PeerLinks links = new PeerLinks(ctx, self, paths);
      links.askMissing(System.nanoTime());
      return Behaviors.withTimers(timers -> {
        // The replica asks again at its core's ticks; a steady timer stands in for them.
        timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(20));
        return Behaviors.receive(Object.class)
            .onMessage(PeerLinkRequest.class, r -> {
              links.requested(r, System.nanoTime());
              return Behaviors.same();
            })
            .onMessage(PeerLinkGrant.class, g -> {
              links.granted(g);
              return Behaviors.same();
            })
            .onMessageEquals(Tick.INSTANCE, () -> {
              links.askMissing(System.nanoTime());
              return Behaviors.same();
            })
            .onMessage(Send.class, s -> {
              links.outbox(s.to()).tell(s.message());
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
            .onMessage(PeerMessage.class, m -> {
              received.getRef().tell(new Received(self, m, links.authentic(m)));
              return Behaviors.same();
            })
            .build();
      });
    });
  }

  void startLinked() {
    List<String> paths = new ArrayList<>();
    for (int id = 0; id < 3; id++) {
      paths.add(kit.system().address() + "/user/replica-" + id);
    }
    for (int id = 0; id < 3; id++) {
      nodes.add(kit.spawn(node(id, paths), "replica-" + id));
    }
    TestProbe<Boolean> linked = kit.createTestProbe();
    for (ActorRef<Object> node : nodes) {
      linked.awaitAssert(Duration.ofSeconds(20), () -> {
        node.tell(new Linked(linked.getRef()));
        assertTrue(linked.receiveMessage());
        return null;
      });
    }
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
}
