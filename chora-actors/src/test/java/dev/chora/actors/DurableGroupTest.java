package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.replica.ReplicaActor;
import dev.chora.actors.storage.StorageOpenException;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import dev.chora.runtime.storage.FileDisk;
import dev.chora.runtime.storage.ReplicaStore;
import dev.chora.runtime.storage.ReplicaStoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable replicas in one JVM, each with its data directory in a temporary directory on the
 * root disk: every acknowledged write survives stopping all three actor systems and starting them
 * again on the same directories; a second replica on a directory in use fails at start with the
 * lock's message; memory mode writes nothing.
 *
 * <p>What this cannot show: an in-JVM stop is graceful (the writer syncs what is queued before the
 * store closes), so a replica that acknowledged before its sync would pass here; the simulator's
 * crashes and mutation tests, and the multi-JVM SIGKILL tests, catch that. This does fail if
 * nothing reaches the disk, or if a restart does not find what was written.
 */
class DurableGroupTest {
  /** A key-value store whose whole state is in its snapshot: command "k=v" sets k. */
  static final class DurableKv implements StateMachine {
    final Map<String, String> map = new ConcurrentHashMap<>();

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
      StringBuilder b = new StringBuilder();
      new TreeMap<>(map).forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      map.clear();
      for (String line : new String(snapshot, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          String[] kv = line.split("=", 2);
          map.put(kv[0], kv[1]);
        }
      }
    }
  }

  static final String CONFIG = "pekko.actor.provider = remote\n"
      + "chora.storage.mode = durable\n"
      + "chora.protocol.round-timeout = 20ms\n"
      + "chora.protocol.view-change-timeout = 200ms\n"
      + "chora.protocol.suspect-after-rounds = 3\n"
      + "chora.protocol.suspect-after-max = 100ms\n"
      // Snapshots every 64 rounds: a restart loads one and replays the log above it.
      + "chora.protocol.snapshot-every-rounds = 64\n"
      + "chora.protocol.log-window-rounds = 256\n";

  @TempDir
  Path dirs;
  LocalGroup group;
  final List<ActorRef<ReplicaActor.Command>> replicas = new ArrayList<>();
  final List<DurableKv> machines = new ArrayList<>();
  private final AtomicLong nextOpening = new AtomicLong(-1);

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  String dataDir(int i) {
    return "chora.storage.data-dir = \"" + dirs.resolve("replica-" + i) + "\"\n";
  }

  void startReplica(int i) {
    DurableKv kv = new DurableKv();
    ActorRef<ReplicaActor.Command> ref = Chora.get(group.get(i)).startReplica(kv);
    if (machines.size() > i) {
      machines.set(i, kv);
      replicas.set(i, ref);
    } else {
      machines.add(kv);
      replicas.add(ref);
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesStoppingAllThreeReplicas() throws Exception {
    group = new LocalGroup(3, CONFIG, this::dataDir);
    for (int i = 0; i < 3; i++) {
      startReplica(i);
    }
    Map<String, String> acknowledged = new TreeMap<>();
    List<Long> sessions = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      sessions.add(submit(c, Request.openSession(nextOpening.getAndDecrement())).get(60, TimeUnit.SECONDS)
          .openedSessionId());
    }
    // Enough rounds for a snapshot or two (every 64 rounds) and a log above the last one.
    writeAll(sessions, 1, 150, acknowledged);
    for (int i = 0; i < 3; i++) {
      ReplicaStatus.Storage s = LocalGroup.awaitStatus(group.get(0), i, x -> x.storage().persistedSeq() > 0).storage();
      assertTrue(s.durable(), "replica " + i + " runs durable: " + s);
      assertTrue(s.syncs() > 0 && s.bytesWritten() > 0, "replica " + i + " wrote and synced its log: " + s);
      assertEquals("", s.failure());
    }
    for (int i = 0; i < 3; i++) {
      group.stop(i);
    }
    for (int i = 0; i < 3; i++) {
      try (Stream<Path> files = Files.list(dirs.resolve("replica-" + i))) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".seg")), "replica " + i + " left a log");
      }
    }

    // Every replica starts again on its directory: nothing comes from memory.
    for (int i = 0; i < 3; i++) {
      group.restart(i, "chora.restarted = false");
      startReplica(i);
    }
    for (int i = 0; i < 3; i++) {
      awaitHolds(i, acknowledged);
    }
    // The sessions live on (the client table came back with the state): the group takes new writes.
    writeAll(sessions, 151, 160, acknowledged);
    for (int i = 0; i < 3; i++) {
      awaitHolds(i, acknowledged);
      ReplicaStatus s = LocalGroup.awaitStatus(group.get(0), i, x -> x.view().isNormal());
      assertTrue(s.storage().emittedSeq() > 0 && s.storage().persistedSeq() > 0, "replica " + i + ": " + s.storage());
    }
  }

  @Test
  void aSecondReplicaOnADirectoryInUseFailsAtStartWithTheLocksMessage() throws Exception {
    // Replica 2 is (mis)configured with replica 0's directory.
    group = new LocalGroup(3, CONFIG, i -> dataDir(i == 2 ? 0 : i));
    startReplica(0);
    StorageOpenException e = assertThrows(StorageOpenException.class,
        () -> Chora.get(group.get(2)).startReplica(new DurableKv()));
    assertTrue(e.getMessage().contains("replica 2: cannot open its data directory " + dirs.resolve("replica-0"))
        // In one JVM the store says "already locked by this process"; from another, "by another process".
        && e.getMessage().contains("is already locked by this process"), e.getMessage());
    // The lock goes with the replica's node: stopped, the directory opens again.
    group.stop(0);
    ReplicaStore.open(FileDisk.open(dirs.resolve("replica-0")), 3, ReplicaStoreOptions.DEFAULTS).close();
  }

  @Test
  void memoryModeWritesNothing() throws Exception {
    group = new LocalGroup(3, CONFIG + "chora.storage.mode = memory\n", this::dataDir);
    for (int i = 0; i < 3; i++) {
      startReplica(i);
    }
    Map<String, String> acknowledged = new TreeMap<>();
    long session = submit(0, Request.openSession(nextOpening.getAndDecrement())).get(60, TimeUnit.SECONDS)
        .openedSessionId();
    writeAll(List.of(session), 1, 20, acknowledged);
    for (int i = 0; i < 3; i++) {
      awaitHolds(i, acknowledged);
      ReplicaStatus s = LocalGroup.awaitStatus(group.get(0), i, x -> x.view().isNormal());
      assertEquals(ReplicaStatus.Storage.MEMORY, s.storage());
      assertFalse(Files.exists(dirs.resolve("replica-" + i)), "memory mode made no data directory");
    }
  }

  /** Each session writes keys {@code <session>-<seq>} for seqs from..to, one after another; all acknowledged. */
  void writeAll(List<Long> sessions, int from, int to, Map<String, String> acknowledged) throws Exception {
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    Map<String, String> written = new ConcurrentHashMap<>();
    for (int c = 0; c < sessions.size(); c++) {
      long client = sessions.get(c);
      int replica = c % 3;
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (int s = from; s <= to; s++) {
        long seq = s;
        String key = "k" + client + "-" + s;
        String value = "v" + s;
        chain = chain.thenCompose(x -> submitUntilOk(replica, new Request(client, seq,
            (key + "=" + value).getBytes(StandardCharsets.UTF_8)), 0)).thenAccept(r -> written.put(key, value));
      }
      chains.add(chain);
    }
    for (CompletableFuture<Void> chain : chains) {
      chain.get(120, TimeUnit.SECONDS);
    }
    acknowledged.putAll(written);
    assertEquals(sessions.size() * (to - from + 1), written.size());
  }

  CompletableFuture<ClientReply> submit(int replica, Request request) {
    return submitUntilOk(replica, request, 0);
  }

  /** Resent, to the next replica each time, until acknowledged OK (a view change refuses for a while). */
  CompletableFuture<ClientReply> submitUntilOk(int replica, Request request, int attempt) {
    if (attempt > 200) {
      return CompletableFuture.failedFuture(new AssertionError("request " + request + " never acknowledged"));
    }
    ActorSystem<Void> system = group.get(replica);
    CompletionStage<ClientReply> ask = AskPattern.ask(replicas.get(replica),
        (ActorRef<ClientReply> replyTo) -> new ReplicaActor.Submit(request, replyTo), Duration.ofSeconds(2),
        system.scheduler());
    return ask.toCompletableFuture().handle((r, e) -> r).thenCompose(r -> {
      if (r != null && r.status() == ClientReply.Status.OK) {
        return CompletableFuture.completedFuture(r);
      }
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
          .thenCompose(x -> submitUntilOk((replica + 1) % 3, request, attempt + 1));
    });
  }

  /** Replica {@code i}'s state machine holds every acknowledged write, within a minute. */
  void awaitHolds(int i, Map<String, String> acknowledged) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, String> missing = new TreeMap<>();
    do {
      missing.clear();
      Map<String, String> map = machines.get(i).map;
      acknowledged.forEach((k, v) -> {
        if (!v.equals(map.get(k))) {
          missing.put(k, v);
        }
      });
      if (missing.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("replica " + i + " lost " + missing.size() + " of " + acknowledged.size()
        + " acknowledged writes, e.g. " + missing.entrySet().stream().limit(5).toList());
  }
}
