package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.replica.ReplicaActor;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import dev.chora.transport.launch.ArteryTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three actor systems in one JVM, talking over Artery aeron-udp (one shared media driver) on
 * 127.0.0.1 with the Kryo serializer:
 * a counter is replicated under concurrent load, every replica ends with the same state, and a
 * replica whose system is terminated mid-load is suspected while the other two keep serving.
 */
class ThreeSystemsTest {
  static final class Counter implements StateMachine {
    volatile long total;

    @Override
    public byte[] apply(byte[] command) {
      total += command[0];
      return ByteBuffer.allocate(8).putLong(total).array();
    }

    @Override
    public byte[] query(byte[] query) {
      return ByteBuffer.allocate(8).putLong(total).array();
    }

    @Override
    public byte[] snapshot() {
      return query(null);
    }

    @Override
    public void restore(byte[] snapshot) {
      total = ByteBuffer.wrap(snapshot).getLong();
    }
  }

  final List<ActorSystem<Void>> systems = new ArrayList<>();
  final List<Counter> counters = new ArrayList<>();
  final List<ActorRef<ReplicaActor.Command>> replicas = new ArrayList<>();
  final List<StateMachine> machines = new ArrayList<>();

  LocalGroup group;

  void start(int n) throws Exception {
    start(n, false);
  }

  /**
   * @param cluster true: the systems form a Pekko Cluster and the replicas' own suspicion is
   *                switched off, so only the cluster's failure detector can start a view change
   */
  void start(int n, boolean cluster) throws Exception {
    start(n, cluster, false);
  }

  void start(int n, boolean cluster, boolean keyValue) throws Exception {
    start(n, cluster, keyValue, "");
  }

  void start(int n, boolean cluster, boolean keyValue, String extraConfig) throws Exception {
    group = new LocalGroup(n, 0, extraConfig + "\n" + "pekko.actor.provider = " + (cluster ? "cluster" : "remote") + "\n"
        + "pekko.cluster.failure-detector.heartbeat-interval = 200ms\n"
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 1s\n"
        + "pekko.cluster.jmx.enabled = off\n"
        // Terminating a system then does not leave the cluster first: the others see a crash, and
        // it is the failure detector's unreachability that must reach the replicas.
        + "pekko.coordinated-shutdown.run-by-actor-system-terminate = off\n"
        + "chora.protocol.round-timeout = 20ms\n"
        + "chora.protocol.view-change-timeout = 200ms\n"
        + "chora.protocol.suspect-after-rounds = " + (cluster ? 1_000_000 : 3) + "\n"
        // With the cluster's failure detector under test, the core's own suspicion is off: the
        // rounds never get there, and silence would take an hour.
        + "chora.protocol.suspect-after-max = " + (cluster ? "1h" : "100ms") + "\n"
        + "chora.protocol.snapshot-every-rounds = 64\n"
        + "chora.protocol.log-window-rounds = 256\n", ArteryTransport.Kind.AERON_SHARED);
    systems.addAll(group.systems);
    for (ActorSystem<Void> system : systems) {
      Counter counter = new Counter();
      counters.add(counter);
      StateMachine machine = keyValue ? new KeyValue() : counter;
      machines.add(machine);
      replicas.add(Chora.get(system).startReplica(machine));
    }
  }

  /** A key-value store: a command "key=value" sets key and replies with the value it replaced. */
  static final class KeyValue implements StateMachine {
    final TreeMap<String, String> map = new TreeMap<>();

    @Override
    public byte[] apply(byte[] command) {
      String[] kv = new String(command, StandardCharsets.UTF_8).split("=", 2);
      String previous = map.put(kv[0], kv[1]);
      return (previous == null ? "" : previous).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] key) {
      return map.getOrDefault(new String(key, StandardCharsets.UTF_8), "").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] snapshot() {
      return map.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      throw new UnsupportedOperationException("not needed: no replica of this test falls behind a snapshot");
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  /** Bytes of each counter command (the counter adds the first byte, 1). */
  int commandBytes = 1;

  byte[] command() {
    byte[] c = new byte[commandBytes];
    c[0] = 1;
    return c;
  }

  CompletionStage<ClientReply> submit(int replica, Request request) {
    ActorSystem<Void> system = systems.get(replica);
    return AskPattern.ask(replicas.get(replica),
        (ActorRef<ClientReply> replyTo) -> new ReplicaActor.Submit(request, replyTo),
        Duration.ofSeconds(10), system.scheduler());
  }

  /** Reply addresses of session openings: negative, as no session id is. */
  private final java.util.concurrent.atomic.AtomicLong nextOpeningAddress = new java.util.concurrent.atomic.AtomicLong(-1);

  /** Opens a session through the replicas in {@code replicaFor}, as a client must before its requests. */
  CompletableFuture<Long> openSession(int replica, List<Integer> replicaFor) {
    return submitWithRetry(replica, Request.openSession(nextOpeningAddress.getAndDecrement()), replicaFor).toCompletableFuture()
        .thenApply(ClientReply::openedSessionId);
  }

  /** Each client sends {@code ops} requests one after another to its replica; returns how many succeeded. */
  int load(int clients, int ops, List<Integer> replicaFor) throws Exception {
    List<CompletableFuture<Integer>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int replica = replicaFor.get(c % replicaFor.size());
      // A new session for each client (its seqs start at 1), all opened at once, as a burst of new clients would.
      CompletableFuture<Long> session = openSession(replica, replicaFor);
      CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
      for (int s = 1; s <= ops; s++) {
        long seq = s;
        chain = chain.thenCompose(ok -> session.thenCompose(client -> submitWithRetry(replica, client, seq, replicaFor))
            .thenApply(r -> ok + 1));
      }
      done.add(chain);
    }
    int total = 0;
    for (CompletableFuture<Integer> f : done) {
      total += f.get(120, TimeUnit.SECONDS);
    }
    return total;
  }

  CompletionStage<ClientReply> submitWithRetry(int replica, long client, long seq, List<Integer> replicaFor) {
    return submitWithRetry(replica, new Request(client, seq, command()), replicaFor);
  }

  CompletionStage<ClientReply> submitWithRetry(int replica, Request request, List<Integer> replicaFor) {
    return submit(replica, request).handle((r, e) -> r).thenCompose(r -> {
      if (r != null && r.status() == ClientReply.Status.OK) {
        return CompletableFuture.completedFuture(r);
      }
      int next = replicaFor.get((replicaFor.indexOf(replica) + 1) % replicaFor.size());
      return submitWithRetry(next, request, replicaFor);
    });
  }

  /** Every listed replica reaches the expected total (a replica may trail the one that replied by a round). */
  void awaitCounters(long expected, int... ids) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int id : ids) {
      while (counters.get(id).total != expected && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(expected, counters.get(id).total, "replica " + id + " applied every request exactly once");
    }
  }

  @Test
  void threeReplicasReplicateACounterUnderConcurrentLoad() throws Exception {
    start(3);
    int ok = load(6, 200, List.of(0, 1, 2));
    assertEquals(1200, ok);
    awaitCounters(1200, 0, 1, 2);
  }

  /**
   * The single-leader baseline (chora.protocol.proposers = leader): requests given to the
   * followers are forwarded to replica 0, executed once everywhere, and answered by the follower
   * each client asked — at once, with no retry elsewhere.
   */
  @Test
  void underTheLeaderBaselineFollowersForwardAndAnswerTheirOwnClients() throws Exception {
    start(3, false, false, "chora.protocol.proposers = leader\n");
    List<CompletableFuture<Integer>> clients = new ArrayList<>();
    for (int follower : new int[] {1, 2, 1, 2}) {
      long session = openSession(follower, List.of(follower)).get(60, TimeUnit.SECONDS);
      CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
      for (int s = 1; s <= 50; s++) {
        Request request = new Request(session, s, command());
        chain = chain.thenCompose(ok -> submit(follower, request).toCompletableFuture().thenApply(r -> {
          assertEquals(ClientReply.Status.OK, r.status(), "the follower answered " + request + ": " + r);
          return ok + 1;
        }));
      }
      clients.add(chain);
    }
    int ok = 0;
    for (CompletableFuture<Integer> c : clients) {
      ok += c.get(120, TimeUnit.SECONDS);
    }
    assertEquals(200, ok);
    awaitCounters(200, 0, 1, 2);
  }

  @Test
  void threeReplicasReplicateAKeyValueStoreUnderConcurrentLoad() throws Exception {
    start(3, false, true);
    List<CompletableFuture<ClientReply>> writes = new ArrayList<>();
    for (int c = 0; c < 9; c++) {
      int replica = c % 3;
      long client = openSession(replica, List.of(0, 1, 2)).get(60, TimeUnit.SECONDS);
      CompletableFuture<ClientReply> chain = CompletableFuture.completedFuture(null);
      for (int s = 1; s <= 100; s++) {
        long seq = s;
        byte[] command = ("key-" + (s % 17) + "=" + client + ":" + s).getBytes(StandardCharsets.UTF_8);
        chain = chain.thenCompose(r -> submitUntilOk(replica, new Request(client, seq, command), 0));
      }
      writes.add(chain);
    }
    for (CompletableFuture<ClientReply> w : writes) {
      ClientReply last = w.get(120, TimeUnit.SECONDS);
      assertTrue(last != null && last.status() == ClientReply.Status.OK, "every write applied: " + last);
    }
    // Same map everywhere, and the same digest (state machine and client table) at the same round.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    StateDigest d0 = null;
    StateDigest d1 = null;
    StateDigest d2 = null;
    while (System.nanoTime() < deadline) {
      d0 = Chora.get(systems.get(0)).stateDigest(0).toCompletableFuture().get();
      d1 = Chora.get(systems.get(0)).stateDigest(1).toCompletableFuture().get();
      d2 = Chora.get(systems.get(0)).stateDigest(2).toCompletableFuture().get();
      if (d0.executedRound() == d1.executedRound() && d1.executedRound() == d2.executedRound()) {
        break;
      }
      Thread.sleep(20);
    }
    assertEquals(d0.executedRound(), d2.executedRound());
    assertEquals(d0.sha256(), d1.sha256());
    assertEquals(d0.sha256(), d2.sha256());
    assertEquals(((KeyValue) machines.get(0)).map, ((KeyValue) machines.get(1)).map);
    assertEquals(17, ((KeyValue) machines.get(0)).map.size());
  }

  /**
   * Submits until OK, as a client must: after a refusal (e.g. NOT_ACTIVE in a view change) or no
   * answer in time (a request queued at a replica that a view change then excluded gets none), the
   * same request again at the next replica. Exactly-once makes the retries safe.
   */
  CompletableFuture<ClientReply> submitUntilOk(int replica, Request request, int attempt) {
    return AskPattern.<ReplicaActor.Command, ClientReply>ask(replicas.get(replica),
        replyTo -> new ReplicaActor.Submit(request, replyTo), Duration.ofSeconds(2),
        systems.get(replica).scheduler()).toCompletableFuture().handle((reply, error) -> reply)
        .thenCompose(reply -> {
          if ((reply != null && reply.status() == ClientReply.Status.OK) || attempt > 200) {
            return CompletableFuture.completedFuture(reply);
          }
          return submitUntilOk((replica + 1) % replicas.size(), request, attempt + 1);
        });
  }

  @Test
  void aTerminatedReplicaIsSuspectedAndTheOthersKeepServing() throws Exception {
    start(3);
    assertEquals(300, load(3, 100, List.of(0, 1)));
    ReplicaStatus s = terminateReplica2AndLoadTheOthers();
    assertEquals(0b011, s.view().activeSet(), "replica 2 left the active set through a view change");
    assertTrue(s.view().number() >= 1);
  }

  /**
   * A node's coordinated shutdown stops its replica in service-stop, so that no rounds go out
   * while Artery shuts down: in a later phase, just before the actor system terminates, the
   * replica no longer answers.
   */
  @Test
  void aCoordinatedShutdownStopsTheReplicaBeforeTheNodeGoes() throws Exception {
    start(3);
    assertEquals(30, load(3, 10, List.of(0, 1, 2)));
    ActorSystem<Void> node = systems.get(2);
    CompletableFuture<Boolean> answeredLate = new CompletableFuture<>();
    CoordinatedShutdown.get(node).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "test-ask-replica",
        () -> Chora.get(node).replicaStatus(2).toCompletableFuture()
            .handle((status, failure) -> {
              answeredLate.complete(failure == null);
              return Done.getInstance();
            }));
    CoordinatedShutdown.get(node).run(CoordinatedShutdown.unknownReason());
    assertFalse(answeredLate.get(30, TimeUnit.SECONDS), "the replica still answered after service-stop");
    node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void pekkoClusterReachabilityStartsTheViewChange() throws Exception {
    start(3, true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (org.apache.pekko.cluster.typed.Cluster.get(systems.get(0)).state().members().size() < 3
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(3, org.apache.pekko.cluster.typed.Cluster.get(systems.get(0)).state().members().size(),
        "the three systems formed a cluster");
    assertEquals(300, load(3, 100, List.of(0, 1, 2)));
    ReplicaStatus s = terminateReplica2AndLoadTheOthers();
    assertEquals(0b011, s.view().activeSet(),
        "replica 2 left the active set: its own suspicion is off, so the cluster's failure detector did it");
  }

  /**
   * A DoViewChange or StartView holding more than max-transfer-bytes of rounds goes in parts
   * (ViewChangeParts), and the receiver acts only on the whole message. Here the parts cross Artery
   * between actor systems: batches are capped at 1 KiB and a message between replicas at a little
   * more than one round of them, and replica 2 is terminated, once replica 0's queue has filled
   * up, while 300 clients keep replicas 0 and 1 busy: their queues stay full (closed-loop clients stop sending once commits stall, so a few
   * clients would leave the rounds run ahead during the silence nearly empty), and those rounds
   * fill several parts. The survivors must still agree on one view without replica 2 and apply
   * every request exactly once.
   */
  @Test
  void aViewChangeTooLargeForOneMessageCrossesArteryInParts() throws Exception {
    commandBytes = 300;
    // A whole round of full batches is 3 x (1024 + 8) + 24 = 3,120 bytes: the least allowed.
    start(3, false, false, "chora.protocol.max-request-bytes = 512\n"
        + "chora.protocol.max-batch-bytes = 1KiB\n"
        + "chora.protocol.max-transfer-bytes = 3200\n");
    assertEquals(300, load(30, 10, List.of(0, 1)));
    CompletableFuture<Integer> busy = CompletableFuture.supplyAsync(() -> {
      try {
        return load(300, 10, List.of(0, 1));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // Terminate replica 2 only once replica 0's queue is full: after a fixed pause a fast machine
    // may have run the whole load, and the view change would hold nothing to split.
    long queueDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ReplicaStatus loaded;
    do {
      loaded = Chora.get(systems.get(0)).replicaStatus(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } while (loaded.requests().queued() < 30 && !busy.isDone() && System.nanoTime() < queueDeadline);
    assertTrue(loaded.requests().queued() >= 30, "replica 0's queue filled up before the kill: " + loaded);
    systems.get(2).terminate();
    systems.get(2).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(3000, busy.get(120, TimeUnit.SECONDS));
    awaitCounters(3300, 0, 1);
    ReplicaStatus s0 = Chora.get(systems.get(0)).replicaStatus(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    ReplicaStatus s1 = Chora.get(systems.get(0)).replicaStatus(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(0b011, s0.view().activeSet(), "replica 2 left the active set through a view change");
    assertEquals(s0.view().number(), s1.view().number(), "both survivors are in the same view");
    assertTrue(s0.viewChanges().messagesInParts() + s1.viewChanges().messagesInParts() > 0,
        "some DoViewChange or StartView went in parts: " + s0 + " / " + s1);
  }

  /** Terminates replica 2's system, loads replicas 0 and 1, and returns replica 0's state. */
  ReplicaStatus terminateReplica2AndLoadTheOthers() throws Exception {
    systems.get(2).terminate();
    systems.get(2).getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(300, load(3, 100, List.of(0, 1)));
    awaitCounters(600, 0, 1);
    return Chora.get(systems.get(0)).replicaStatus(0).toCompletableFuture().get();
  }
}
