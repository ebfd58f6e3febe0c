package dev.chora.actors.replica;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.control.StatusQuery;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica that claims the group's first start ({@code chora.restarted = false}) does before
 * it votes: it asks every peer for its status. A peer that has committed a round proves the group
 * has a history this replica does not hold: it was restarted (a diskless replica loses its state)
 * under a first-start configuration, which would break safety, or it starts so late that the
 * others went on without it. Either way it recovers, as a restarted replica does, and says so in
 * the log. When every peer has answered without history, or none with history answered within
 * the timeout, it starts as the group's first start.
 *
 * <p>This guards the common operator error (a process supervisor restarting a replica with the
 * same configuration); it cannot see history held only by peers it cannot reach, so
 * {@code chora.restarted = true} stays the way to restart a replica.
 */
final class FirstStartCheck {
  private FirstStartCheck() {}

  /** Messages held while the check runs (peers' rounds, client batches); more are dropped, and resent by their senders. */
  static final int STASH_CAPACITY = 10_000;

  /** Not the actor's own logger: that one is named after the first behavior to use it, and the replica's should stay its own. */
  private static final Logger LOG = LoggerFactory.getLogger(FirstStartCheck.class);

  private enum Timeout { INSTANCE }

  /** Asks again the peers that have not answered: one whose replica starts a moment later answers then. */
  private enum AskAgain { INSTANCE }

  static final Duration ASK_AGAIN_EVERY = Duration.ofMillis(100);

  /**
   * @param start the replica proper, given whether it must recover
   */
  static Behavior<Object> create(ActorContext<Object> ctx, int self, List<String> peerPaths, Duration timeout,
      Function<Boolean, Behavior<Object>> start) {
    return Behaviors.withStash(STASH_CAPACITY, stash -> Behaviors.withTimers(timers -> {
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      List<ActorRef<StatusQuery>> peers = peerPaths.stream().map(resolver::<StatusQuery>resolveActorRef).toList();
      Set<Integer> answered = new HashSet<>();
      ask(ctx, self, peers, answered);
      timers.startTimerWithFixedDelay(AskAgain.INSTANCE, AskAgain.INSTANCE, ASK_AGAIN_EVERY);
      timers.startSingleTimer(Timeout.INSTANCE, Timeout.INSTANCE, timeout);
      // The replica proper runs inside these wrappers: it must not get the check's timers.
      Function<Boolean, Behavior<Object>> startWithoutTimers = recovering -> {
        timers.cancelAll();
        return start.apply(recovering);
      };
      return waiting(ctx, self, peers, timeout, stash, startWithoutTimers, answered);
    }));
  }

  private static void ask(ActorContext<Object> ctx, int self, List<ActorRef<StatusQuery>> peers,
      Set<Integer> answered) {
    for (int id = 0; id < peers.size(); id++) {
      if (id != self && !answered.contains(id)) {
        peers.get(id).tell(new StatusQuery(ctx.getSelf().narrow()));
      }
    }
  }

  private static Behavior<Object> waiting(ActorContext<Object> ctx, int self, List<ActorRef<StatusQuery>> peers,
      Duration timeout, StashBuffer<Object> stash, Function<Boolean, Behavior<Object>> start, Set<Integer> answered) {
    int replicas = peers.size();
    return Behaviors.receive(Object.class)
        .onMessage(ReplicaStatus.class, s -> {
          if (s.replicaId() < 0 || s.replicaId() >= replicas || s.replicaId() == self) {
            return Behaviors.same();
          }
          ReplicaStatus.Progress progress = s.progress();
          if (progress.commitIndex() > 0 || progress.executedRound() > 0) {
            LOG.warn("replica {} starts with chora.restarted = false, but replica {} has committed rounds up to"
                + " {} (view {}): the group has a history this replica does not hold, so it recovers as a restarted"
                + " replica does. Restart replicas with chora.restarted = true.", self, s.replicaId(),
                Math.max(progress.commitIndex(), progress.executedRound()), s.view().number());
            return stash.unstashAll(start.apply(true));
          }
          answered.add(s.replicaId());
          if (answered.size() == replicas - 1) {
            return stash.unstashAll(start.apply(false));
          }
          return Behaviors.same();
        })
        .onMessageEquals(AskAgain.INSTANCE, () -> {
          ask(ctx, self, peers, answered);
          return Behaviors.same();
        })
        .onMessageEquals(Timeout.INSTANCE, () -> {
          LOG.info("replica {}: first start of the group; {} of {} peers answered within {}, none with"
              + " history", self, answered.size(), replicas - 1, timeout);
          return stash.unstashAll(start.apply(false));
        })
        .onMessage(StatusQuery.class, q -> {
          q.replyTo().tell(ReplicaStatus.starting(self));
          return Behaviors.same();
        })
        .onMessage(ReplicaActor.Stop.class, m -> {
          m.replyTo().tell(Done.getInstance());
          return Behaviors.stopped();
        })
        .onAnyMessage(m -> {
          if (!stash.isFull()) {
            stash.stash(m);
          }
          return Behaviors.same();
        })
        .build();
  }
}
