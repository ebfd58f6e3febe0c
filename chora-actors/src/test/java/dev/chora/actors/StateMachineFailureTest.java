package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chora.actors.replica.ReplicaActor;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A state machine that throws stops its replica, on every replica that applies the command, instead
 * of leaving replicas that vote while their executor no longer executes.
 */
class StateMachineFailureTest {
  /** ThreeSystemsTest's counter, which throws on {@link #POISON} as a buggy state machine would. */
  static final class Fragile implements StateMachine {
    static final byte POISON = 0x7f;
    final StateMachine counter = new ThreeSystemsTest.Counter();

    @Override
    public byte[] apply(byte[] command) {
      if (command[0] == POISON) {
        throw new IllegalStateException("cannot apply the poison command");
      }
      return counter.apply(command);
    }

    @Override
    public byte[] query(byte[] query) {
      return counter.query(query);
    }

    @Override
    public byte[] snapshot() {
      return counter.snapshot();
    }

    @Override
    public void restore(byte[] snapshot) {
      counter.restore(snapshot);
    }
  }

  LocalGroup group;
  final List<ActorRef<ReplicaActor.Command>> replicas = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  @Test
  void aStateMachineThatThrowsStopsEveryReplicaThatAppliesTheCommand() throws Exception {
    group = new LocalGroup(3, 0, "pekko.actor.provider = remote\n", ArteryTransport.Kind.TCP);
    for (ActorSystem<Void> system : group.systems) {
      replicas.add(Chora.get(system).startReplica(new Fragile()));
    }
    assertEquals(ClientReply.Status.OK, submit(0, submit(0, Request.openSession(-1)).openedSessionId(), new byte[] {1})
        .status(), "the group executes at first");
    long poisoner = submit(0, Request.openSession(-2)).openedSessionId();

    // To every replica, as one request (one client id and seq): whichever is active proposes it,
    // exactly once, even if a start-up view change left one of them out of the active set.
    for (int i = 0; i < 3; i++) {
      AskPattern.ask(replicas.get(i),
          (ActorRef<ClientReply> replyTo) -> new ReplicaActor.Submit(new Request(poisoner, 1, new byte[] {Fragile.POISON}),
              replyTo), Duration.ofSeconds(10), group.get(i).scheduler());
    }

    for (int i = 0; i < 3; i++) {
      TestProbe<Object> probe = TestProbe.create(group.get(i));
      probe.expectTerminated(replicas.get(i), Duration.ofSeconds(20));
    }
  }

  private ClientReply submit(int replica, long client, byte[] command) throws Exception {
    return submit(replica, new Request(client, 1, command));
  }

  private ClientReply submit(int replica, Request request) throws Exception {
    ActorSystem<Void> system = group.get(replica);
    return AskPattern.ask(replicas.get(replica),
        (ActorRef<ClientReply> replyTo) -> new ReplicaActor.Submit(request, replyTo),
        Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
