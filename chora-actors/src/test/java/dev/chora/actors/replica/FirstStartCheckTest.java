package dev.chora.actors.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.control.StatusQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Replica 0 of three claims the group's first start; its peers are probes. */
class FirstStartCheckTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  final List<TestProbe<Object>> peers = List.of(KIT.createTestProbe(), KIT.createTestProbe(), KIT.createTestProbe());
  final CompletableFuture<Boolean> recovering = new CompletableFuture<>();
  final TestProbe<Object> started = KIT.createTestProbe();

  ActorRef<Object> check(Duration timeout) {
    List<String> paths = new ArrayList<>();
    peers.forEach(p -> paths.add(ActorRefResolver.get(KIT.system()).toSerializationFormat(p.getRef())));
    return KIT.spawn(Behaviors.setup(ctx -> FirstStartCheck.create(ctx, 0, paths, timeout, r -> {
      recovering.complete(r);
      return Behaviors.receive(Object.class).onAnyMessage(m -> {
        started.getRef().tell(m);
        return Behaviors.same();
      }).build();
    })));
  }

  static ReplicaStatus status(int id, long commitIndex) {
    ReplicaStatus s = ReplicaStatus.starting(id);
    return new ReplicaStatus(id, new ReplicaStatus.View(ReplicaStatus.State.NORMAL, 3, 0b11),
        new ReplicaStatus.Progress(commitIndex + 2, commitIndex, commitIndex, 0), s.rounds(), s.requests(),
        s.viewChanges(), s.refused(), false, 0);
  }

  @Test
  void aPeerWithHistoryMakesTheReplicaRecover() throws Exception {
    ActorRef<Object> replica = check(Duration.ofSeconds(30));
    StatusQuery q = (StatusQuery) peers.get(1).expectMessageClass(StatusQuery.class);
    peers.get(2).expectMessageClass(StatusQuery.class);
    peers.get(0).expectNoMessage(Duration.ofMillis(50)); // not itself
    replica.tell("a round from a peer, held meanwhile");
    q.replyTo().tell(status(1, 500));
    assertTrue(recovering.get(5, TimeUnit.SECONDS), "the group has committed rounds: recover");
    assertEquals("a round from a peer, held meanwhile", started.receiveMessage(), "held messages reach the replica");
  }

  @Test
  void peersWithoutHistoryMakeItTheFirstStart() throws Exception {
    ActorRef<Object> replica = check(Duration.ofSeconds(30));
    StatusQuery q1 = (StatusQuery) peers.get(1).expectMessageClass(StatusQuery.class);
    ((StatusQuery) peers.get(2).expectMessageClass(StatusQuery.class)).replyTo()
        .tell(ReplicaStatus.starting(2));
    // Asked in turn by a peer that also starts, it answers that it has no history either.
    TestProbe<ReplicaStatus> asker = KIT.createTestProbe();
    replica.tell(new StatusQuery(asker.getRef()));
    assertEquals(ReplicaStatus.State.STARTING, asker.receiveMessage().view().state());
    assertFalse(recovering.isDone(), "replica 1 has not answered yet");
    q1.replyTo().tell(status(1, 0));
    assertFalse(recovering.get(5, TimeUnit.SECONDS), "every peer answered without history: first start");
  }

  @Test
  void aPeerThatIsNotUpYetIsAskedAgainAndTheTimeoutStartsTheGroup() throws Exception {
    check(Duration.ofMillis(600));
    for (int i = 0; i < 3; i++) {
      peers.get(1).expectMessageClass(StatusQuery.class); // asked again until it answers
    }
    assertFalse(recovering.get(5, TimeUnit.SECONDS), "nobody with history answered: first start");
    drain(peers.get(1));
    peers.get(1).expectNoMessage(Duration.ofMillis(300)); // and no more asking once started
  }

  /** Takes the questions sent before the check ended, however many the timing made. */
  private static void drain(TestProbe<Object> probe) {
    try {
      while (true) {
        probe.receiveMessage(Duration.ofMillis(150));
      }
    } catch (AssertionError noMore) {
      // drained
    }
  }
}
