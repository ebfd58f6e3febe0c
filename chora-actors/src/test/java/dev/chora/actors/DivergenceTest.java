package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.replica.ReplicaActor;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Divergence detection on a real local group: a replica whose state machine is non-deterministic
 * (its state takes a clock read) stops at the first checkpoint round where its state digest differs
 * from the quorum's, with an ERROR that names the round and both digests; the other two keep
 * serving writes. The same group with deterministic state machines runs past many checkpoints
 * without a report.
 */
class DivergenceTest {
  /** Snapshots, and so checkpoints, come every this many rounds: several a second at the idle pace. */
  static final int SNAPSHOT_EVERY = 32;

  static final String CONFIG = "pekko.actor.provider = remote\n"
      + "chora.protocol.round-timeout = 20ms\n"
      + "chora.protocol.round-timeout-max = 40ms\n"
      + "chora.protocol.view-change-timeout = 400ms\n"
      + "chora.protocol.idle-round-interval = 10ms\n"
      + "chora.protocol.snapshot-every-rounds = " + SNAPSHOT_EVERY + "\n";

  /** ThreeSystemsTest's counter, deterministic. */
  static StateMachine counter() {
    return new ThreeSystemsTest.Counter();
  }

  /**
   * A counter that also keeps the time of its last write in its state, as an entity stamping its
   * records with the node's clock would: its replies agree with the others', its state does not.
   */
  static final class ClockStampedCounter implements StateMachine {
    long total;
    long lastWriteNanos;

    @Override
    public byte[] apply(byte[] command) {
      total += command[0];
      lastWriteNanos = System.nanoTime();
      return query(command);
    }

    @Override
    public byte[] query(byte[] query) {
      return ByteBuffer.allocate(8).putLong(total).array();
    }

    @Override
    public byte[] snapshot() {
      return ByteBuffer.allocate(16).putLong(total).putLong(lastWriteNanos).array();
    }

    @Override
    public void restore(byte[] snapshot) {
      ByteBuffer state = ByteBuffer.wrap(snapshot);
      total = state.getLong();
      lastWriteNanos = state.remaining() >= 8 ? state.getLong() : 0;
    }
  }

  LocalGroup group;
  final List<ActorRef<ReplicaActor.Command>> replicas = new ArrayList<>();
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  PrintStream originalErr;
  final java.util.Map<Integer, CompletableFuture<Void>> watched = new java.util.HashMap<>();
  long seq;
  long session = -1;

  @AfterEach
  void stop() throws Exception {
    try {
      if (group != null) {
        group.close();
      }
    } finally {
      if (originalErr != null) {
        System.setErr(originalErr);
      }
    }
  }

  /** slf4j-simple writes to System.err as it stands at each line: a tee keeps what the replicas log. */
  void captureLog() {
    originalErr = System.err;
    PrintStream original = originalErr;
    System.setErr(new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        synchronized (log) {
          log.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (log) {
          log.write(b, off, len);
        }
        original.write(b, off, len);
      }
    }, true));
  }

  String logged() {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  void start(int nonDeterministic) throws Exception {
    captureLog();
    group = new LocalGroup(3, CONFIG);
    for (int i = 0; i < 3; i++) {
      replicas.add(Chora.get(group.get(i)).startReplica(i == nonDeterministic ? new ClockStampedCounter() : counter()));
    }
  }

  @Test
  void aReplicaWhoseStateDivergesStopsNamingTheRoundAndTheOthersGoOn() throws Exception {
    start(1);
    watch(0);
    watch(2);
    CompletableFuture<Void> stopped = watch(1);
    long total = 0;
    // Writes through replica 0 until replica 1 has stopped: each one changes replica 1's clock stamp.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!stopped.isDone()) {
      assertTrue(System.nanoTime() < deadline, "replica 1 never stopped; its log:\n" + logged());
      total += 1;
      assertEquals(total, writeUntilOk(0, 1));
      Thread.sleep(20);
    }

    String line = logged().lines().filter(l -> l.contains("diverged")).findFirst().orElse(null);
    assertTrue(line != null, "no line names the divergence; the log:\n" + logged());
    assertTrue(line.contains("ERROR"), line);
    assertTrue(line.contains("replica 1"), line);
    assertTrue(line.matches(".*round \\d+.*"), "names the round: " + line);
    assertTrue(line.contains("non-deterministic"), "says what is wrong: " + line);

    // The other two serve writes on, each through either of them, and agree on the state.
    for (int i = 0; i < 10; i++) {
      total += 2;
      assertEquals(total, writeUntilOk(i % 2 == 0 ? 0 : 2, 2));
    }
    assertFalse(watched.get(0).isDone() || watched.get(2).isDone(), "the replicas in agreement keep running");
    List<String> stops = logged().lines().filter(l -> l.contains("this replica's state diverged")).toList();
    assertTrue(stops.stream().allMatch(l -> l.contains("replica 1:")), "only replica 1 stops itself: " + stops);
  }

  @Test
  void deterministicReplicasPassManyCheckpointsWithoutAReport() throws Exception {
    start(-1);
    for (int i = 0; i < 3; i++) {
      watch(i);
    }
    long total = 0;
    // Past at least ten checkpoints on every replica.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (minExecutedRound() < 10L * SNAPSHOT_EVERY) {
      assertTrue(System.nanoTime() < deadline, "the group did not reach round " + 10 * SNAPSHOT_EVERY);
      total += 1;
      assertEquals(total, writeUntilOk((int) (total % 3), 1));
      Thread.sleep(20);
    }
    for (int i = 0; i < 3; i++) {
      assertFalse(watched.get(i).isDone(), "replica " + i + " stopped; the log:\n" + logged());
    }
    assertFalse(logged().contains("diverged") || logged().contains("different state")
        || logged().contains("states differ"), "a deterministic group reported divergence:\n" + logged());
  }

  long minExecutedRound() throws Exception {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      ReplicaStatus s = AskPattern.<ReplicaActor.Command, ReplicaStatus>ask(
          replicas.get(i).unsafeUpcast(), replyTo -> new dev.chora.actors.control.StatusQuery(replyTo),
          Duration.ofSeconds(5), group.get(i).scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      min = Math.min(min, s.progress().executedRound());
    }
    return min;
  }

  /** Completes when replica {@code i}'s actor stops. */
  CompletableFuture<Void> watch(int i) {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    group.get(i).systemActorOf(Behaviors.<Void>setup(ctx -> {
      ctx.watch(replicas.get(i));
      return Behaviors.receiveSignal((c, signal) -> {
        if (signal instanceof Terminated) {
          stopped.complete(null);
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }), "watch-replica-" + i, org.apache.pekko.actor.typed.Props.empty());
    watched.put(i, stopped);
    return stopped;
  }

  /** Adds {@code amount} through {@code replica}, retrying (same client id and seq) until applied; the total. */
  long writeUntilOk(int replica, int amount) throws Exception {
    if (session < 0) {
      session = submitUntilOk(replica, Request.openSession(-7)).openedSessionId();
    }
    return ByteBuffer.wrap(submitUntilOk(replica, new Request(session, ++seq, new byte[] {(byte) amount})).result())
        .getLong();
  }

  private ClientReply submitUntilOk(int replica, Request request) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int attempt = 0; ; attempt++) {
      // A refusal (a view change under way) or a lost reply: the same request again, to the same replica.
      try {
        ActorSystem<Void> system = group.get(replica);
        ClientReply reply = AskPattern.<ReplicaActor.Command, ClientReply>ask(replicas.get(replica),
            replyTo -> new ReplicaActor.Submit(request, replyTo), Duration.ofSeconds(3), system.scheduler())
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (reply.status() == ClientReply.Status.OK) {
          return reply;
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // retried below
      }
      assertTrue(System.nanoTime() < deadline, "replica " + replica + " did not apply " + request + " in 30 s");
      Thread.sleep(50);
    }
  }

}
