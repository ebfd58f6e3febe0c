package dev.chora.actors.replica;

import dev.chora.actors.StateDigest;
import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.exec.ExecutionListener;
import dev.chora.runtime.exec.Executor;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.spi.StateMachine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The executor role: applies committed slots, in log order, to the user's state machine and answers
 * the clients. It runs beside the replica on a pinned thread of its own, so a slow state machine
 * delays replies, never rounds. The replica sends it the work of one step as one {@link Work}
 * message; a mailbox is FIFO, so a snapshot asked for after round r sees exactly rounds up to r.
 */
final class ExecutorActor {
  private ExecutorActor() {}

  /** The executor's inputs from one replica step, in order. */
  record Work(List<Object> ops) {}

  record Execute(long round, int proposer, Batch batch) {}

  record ServeRead(ReadRequest read) {}

  record TakeSnapshot(long round) {}

  record InstallSnapshot(long round, byte[] snapshot) {}

  /** Asks for the digest of the state as it stands after every slot sent so far. */
  record Digest(int replicaId, ActorRef<StateDigest> replyTo) {}

  /** The replica's answer to a snapshot request, with the state's digest for divergence detection. */
  record SnapshotTaken(long round, byte[] state, long digest) {}

  /**
   * @param answerEveryRequest the {@code leader} proposer policy: answer every executed request,
   *                           and let {@code routes} pass on the answers whose clients wait here
   *                           (a follower's clients' requests are in the leader's slots)
   */
  static Behavior<Work> create(int self, StateMachine stateMachine, int maxClients, ReplyRoutes routes,
      ActorRef<Object> replica, AtomicLong requestsExecuted, boolean answerEveryRequest) {
    return Behaviors.setup(ctx -> new Running(ctx, self, stateMachine, maxClients, routes, replica, requestsExecuted,
        answerEveryRequest).behavior());
  }

  private static final class Running {
    private final ActorContext<Work> ctx;
    private final int self;
    private final ActorRef<Object> replica;
    private final AtomicLong requestsExecuted;
    private final ReplyRoutes.Sink sink;
    private final Executor executor;
    private final SlowSnapshots slowSnapshots = new SlowSnapshots();
    private long executedRound;

    Running(ActorContext<Work> ctx, int self, StateMachine stateMachine, int maxClients, ReplyRoutes routes,
        ActorRef<Object> replica, AtomicLong requestsExecuted, boolean answerEveryRequest) {
      this.ctx = ctx;
      this.self = self;
      this.replica = replica;
      this.requestsExecuted = requestsExecuted;
      this.sink = routes.newSink();
      this.executor = new Executor(self, stateMachine, maxClients, sink::reply, ExecutionListener.NONE,
          CoreMutation.NONE, answerEveryRequest);
      // Loads the JCA provider now: its first use takes tens of milliseconds, which would otherwise
      // fall on the first snapshot's digest and hold the executor then.
      Executor.digest(new byte[0]);
    }

    Behavior<Work> behavior() {
      return Behaviors.receive(Work.class).onMessage(Work.class, work -> {
        for (Object op : work.ops()) {
          try {
            apply(op);
          } catch (Exception e) {
            // The replica watches this actor: the failure stops it, loudly, instead of leaving a
            // replica that votes while nothing executes. Checked exceptions too (a state machine
            // may throw them undeclared), so that the log names the round. Entity commands never
            // get here: EntityHost answers their failures.
            throw new StateMachineFailedException(describe(op), e);
          }
        }
        requestsExecuted.set(executor.appliedRequests());
        sink.flush();
        return Behaviors.same();
      }).build();
    }

    private void apply(Object op) {
      if (op instanceof Execute e) {
        executor.execute(e.round(), e.proposer(), e.batch());
        executedRound = e.round();
      } else if (op instanceof ServeRead r) {
        executor.serveRead(r.read());
      } else if (op instanceof TakeSnapshot t) {
        long started = System.nanoTime();
        long cpuStarted = SlowSnapshots.cpuNanos();
        byte[] state = executor.snapshot();
        long digest = Executor.digest(state);
        long ended = System.nanoTime();
        slowSnapshots.taken(ctx.getLog(), self, t.round(), state.length, ended - started,
            cpuStarted < 0 ? -1 : SlowSnapshots.cpuNanos() - cpuStarted, ended);
        // Handed back as a message: an output of the core must not call into it.
        replica.tell(new SnapshotTaken(t.round(), state, digest));
      } else if (op instanceof InstallSnapshot i) {
        executor.restore(i.snapshot());
        executedRound = i.round();
      } else if (op instanceof Digest d) {
        d.replyTo().tell(new StateDigest(d.replicaId(), executedRound, sha256(executor.snapshot())));
      }
    }
  }

  private static String describe(Object op) {
    if (op instanceof Execute e) {
      return "applying round " + e.round() + ", replica " + e.proposer() + "'s slot";
    } else if (op instanceof ServeRead r) {
      return "answering a read of client " + r.read().clientId();
    } else if (op instanceof TakeSnapshot t) {
      return "taking the snapshot of round " + t.round();
    } else if (op instanceof InstallSnapshot i) {
      return "installing the snapshot of round " + i.round();
    }
    return "computing the state's digest";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
