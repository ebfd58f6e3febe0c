package dev.chora.actors;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.core.CoreOutput;
import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.exec.ExecutionListener;
import dev.chora.runtime.exec.Executor;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * One replica as a Pekko actor: it owns a {@link ReplicaCore} and an {@link Executor} and
 * translates between them and Pekko — peer messages arrive as themselves (serialized by the
 * transport's Kryo serializer), client requests as {@link Submit} and {@link Read}, time as
 * {@link Tick}s at the core's next deadline. One actor, one thread (its pinned dispatcher): the core
 * needs no locks.
 *
 * <p>This first version applies commands in the replica actor itself and ticks with Pekko's
 * scheduler (1 ms resolution); the separate executor actor and the high-resolution round ticker
 * come with the rest of the actor runtime.
 */
public final class ReplicaActor {
  private ReplicaActor() {}

  /** A client request; the reply goes to {@code replyTo}. */
  public record Submit(Request request, ActorRef<ClientReply> replyTo) {}

  /** A round-barrier read; the reply goes to {@code replyTo}. */
  public record Read(ReadRequest read, ActorRef<ClientReply> replyTo) {}

  /** The failure detector's news about a replica. */
  public record Reachability(int replica, boolean reachable) {}

  /** Asks for a snapshot of the replica's protocol state, for tests and metrics. */
  public record GetState(ActorRef<State> replyTo) {}

  /** What a replica reports about itself. */
  public record State(int self, ReplicaCore.Status status, long view, int activeSet, long currentRound,
      long commitIndex, long executedRound, long violations, long viewChanges) {}

  private enum Tick { INSTANCE }

  private record SnapshotTaken(long round, byte[] state) {}

  /**
   * @param peerPaths actor paths of every replica's actor, indexed by replica id (this one's
   *                  included), e.g. {@code pekko://chora@127.0.0.1:25520/user/chora-replica}
   * @param restarted false only for the very first start of the group; a restarted replica has
   *                  lost its state and must recover before it votes
   */
  public static Behavior<Object> create(ChoraConfig config, int self, List<String> peerPaths,
      StateMachine stateMachine, boolean restarted) {
    if (peerPaths.size() != config.replicas()) {
      throw new IllegalArgumentException("replica " + self + ": " + peerPaths.size() + " peer paths given for a group of "
          + config.replicas() + " replicas; list one actor path per replica id, in id order");
    }
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Running(ctx, timers, config, self, peerPaths, stateMachine, restarted).behavior()));
  }

  private static final class Running implements CoreOutput {
    private final ActorContext<Object> ctx;
    private final TimerScheduler<Object> timers;
    private final ReplicaCore core;
    private final Executor executor;
    private final List<String> peerPaths;
    private final ActorRef<Object>[] peers;
    private final Map<Long, ActorRef<ClientReply>> waiting = new HashMap<>();
    private long scheduledDeadline = Long.MAX_VALUE;

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of refs, filled lazily by id
    Running(ActorContext<Object> ctx, TimerScheduler<Object> timers, ChoraConfig config, int self,
        List<String> peerPaths, StateMachine stateMachine, boolean restarted) {
      this.ctx = ctx;
      this.timers = timers;
      this.peerPaths = peerPaths;
      this.peers = new ActorRef[config.replicas()];
      this.executor = new Executor(self, stateMachine, config.maxClients(), this::answer, ExecutionListener.NONE);
      this.core = new ReplicaCore(config, self, this, restarted, ThreadLocalRandom.current().nextLong());
    }

    Behavior<Object> behavior() {
      core.tick(System.nanoTime());
      schedule();
      subscribeToReachability();
      return Behaviors.receive(Object.class)
          .onMessage(ClusterEvent.UnreachableMember.class, e -> reachability(e.member().address(), false))
          .onMessage(ClusterEvent.ReachableMember.class, e -> reachability(e.member().address(), true))
          .onMessage(ClusterEvent.MemberRemoved.class, e -> reachability(e.member().address(), false))
          .onMessage(ClusterEvent.MemberExited.class, e -> reachability(e.member().address(), false))
          .onMessage(ClusterEvent.MemberUp.class, e -> reachability(e.member().address(), true))
          .onMessage(ClusterEvent.MemberEvent.class, e -> Behaviors.same())
          .onMessage(PeerMessage.class, m -> step(() -> core.receive(System.nanoTime(), m)))
          .onMessage(Submit.class, m -> step(() -> {
            waiting.put(m.request().clientId(), m.replyTo());
            core.submit(System.nanoTime(), m.request());
          }))
          .onMessage(Read.class, m -> step(() -> {
            waiting.put(m.read().clientId(), m.replyTo());
            core.read(System.nanoTime(), m.read());
          }))
          .onMessageEquals(Tick.INSTANCE, () -> {
            scheduledDeadline = Long.MAX_VALUE;
            return step(() -> core.tick(System.nanoTime()));
          })
          .onMessage(SnapshotTaken.class, m -> step(() -> core.snapshotTaken(m.round(), m.state())))
          .onMessage(Reachability.class, m -> step(() -> {
            if (m.reachable()) {
              core.markReachable(System.nanoTime(), m.replica());
            } else {
              core.markUnreachable(System.nanoTime(), m.replica());
            }
          }))
          .onMessage(GetState.class, m -> {
            m.replyTo().tell(new State(core.self(), core.status(), core.view(), core.activeSet(), core.currentRound(),
                core.commitIndex(), core.executedRound(), core.stats().violations(), core.stats().viewChangesStarted()));
            return Behaviors.same();
          })
          .build();
    }

    /**
     * Failure detection comes from Pekko Cluster (DESIGN §5): a replica's member marked unreachable,
     * exiting or removed is suspected at once, without waiting for suspect-after-rounds violations;
     * reachable or up again, it may rejoin. Without the cluster provider the core's own round-timeout suspicion still works.
     */
    private void subscribeToReachability() {
      if (!"cluster".equals(ctx.getSystem().settings().config().getString("pekko.actor.provider"))) {
        return;
      }
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
      // A member that leaves (or is downed and removed) is never reachable again in that incarnation.
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
    }

    private Behavior<Object> reachability(Address address, boolean reachable) {
      for (int id = 0; id < peerPaths.size(); id++) {
        if (addressOf(id).equals(address)) {
          int replica = id;
          return step(() -> {
            if (reachable) {
              core.markReachable(System.nanoTime(), replica);
            } else {
              core.markUnreachable(System.nanoTime(), replica);
            }
          });
        }
      }
      return Behaviors.same(); // a member that is not a replica (an application node, a load generator)
    }

    private Address addressOf(int id) {
      return ActorPaths.fromString(peerPaths.get(id)).address();
    }

    private Behavior<Object> step(Runnable input) {
      input.run();
      schedule();
      return Behaviors.same();
    }

    /** One timer at the core's next deadline (Pekko's scheduler ticks at 1 ms at best). */
    private void schedule() {
      long deadline = core.nextDeadlineNanos();
      if (deadline >= scheduledDeadline) {
        return;
      }
      scheduledDeadline = deadline;
      long delay = Math.max(0, deadline - System.nanoTime());
      timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, Duration.ofNanos(delay));
    }

    private ActorRef<Object> peer(int id) {
      if (peers[id] == null) {
        peers[id] = ActorRefResolver.get(ctx.getSystem()).resolveActorRef(peerPaths.get(id));
      }
      return peers[id];
    }

    private void answer(ClientReply reply) {
      ActorRef<ClientReply> to = waiting.remove(reply.clientId());
      if (to != null) {
        to.tell(reply);
      }
    }

    @Override
    public void send(int to, PeerMessage message) {
      peer(to).tell(message);
    }

    @Override
    public void execute(long round, int proposer, Batch batch) {
      executor.execute(round, proposer, batch);
    }

    @Override
    public void serveRead(ReadRequest read) {
      executor.serveRead(read);
    }

    @Override
    public void reply(ClientReply reply) {
      answer(reply);
    }

    @Override
    public void takeSnapshot(long round) {
      // Taken now, as the state stands after `round`; handed back as a message, since an output
      // must not call into the core.
      ctx.getSelf().tell(new SnapshotTaken(round, executor.snapshot()));
    }

    @Override
    public void installSnapshot(long round, byte[] snapshot) {
      executor.restore(snapshot);
    }
  }
}
