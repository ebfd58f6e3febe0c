package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.replica.ReplicaActor;
import dev.chora.actors.storage.OpenedStore;
import dev.chora.actors.storage.ReplicaStorage;
import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.storage.StorageUnwritableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable replica whose disk fills up stops acknowledging, says why in its status, and never
 * reports more on disk than its disk took; the group goes on with the other two.
 */
class DiskFailureTest {
  /** A disk that takes appends and syncs until told it is full; then every call fails as a full disk does. */
  static final class FillingDisk implements ReplicaStorage {
    final AtomicBoolean full = new AtomicBoolean();
    volatile long appended;
    volatile long synced;
    volatile long syncs;
    volatile boolean closed;

    @Override
    public void append(long seq, LogEntry entry) throws IOException {
      failIfFull();
      appended = seq;
    }

    @Override
    public long sync() throws IOException {
      failIfFull();
      synced = appended;
      syncs++;
      return synced;
    }

    @Override
    public void saveSnapshot(long round, byte[] state) throws IOException {
      failIfFull();
    }

    private void failIfFull() throws StorageUnwritableException {
      if (full.get()) {
        throw new StorageUnwritableException(StorageUnwritableException.Kind.DISK_FULL, "/fake/replica-2",
            "appending to log-00000000000000000001.seg", null);
      }
    }

    @Override
    public SyncFigures figures() {
      return new SyncFigures(syncs, 1000, 2000, appended * 100);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @TempDir
  Path dirs;
  LocalGroup group;
  final FillingDisk disk = new FillingDisk();
  final ActorRef<?>[] replicas = new ActorRef<?>[3];

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  @Test
  void aFullDiskStopsTheReplicaAcknowledgingAndItsStatusSaysWhy() throws Exception {
    group = new LocalGroup(3, DurableGroupTest.CONFIG,
        i -> "chora.storage.data-dir = \"" + dirs.resolve("replica-" + i) + "\"\n");
    for (int i = 0; i < 2; i++) {
      replicas[i] = Chora.get(group.get(i)).startReplica(new DurableGroupTest.DurableKv());
    }
    // Replica 2 on the filling disk, started as Chora.startReplica would, with its store given.
    ChoraSettings s = Chora.get(group.get(2)).settings();
    replicas[2] = group.get(2).systemActorOf(ReplicaActor.create(s.protocol(), 2, s.replicaPaths(),
            new DurableGroupTest.DurableKv(), false, s.firstStartCheck(),
            new OpenedStore(Path.of("/fake/replica-2"), disk, null, 1 << 20)),
        s.actorName(), DispatcherSelector.fromConfig("chora.replica-dispatcher"));
    for (int i = 0; i < 3; i++) {
      LocalGroup.awaitStatus(group.get(0), i, x -> x.view().isNormal() && x.view().activeSet() == 0b111);
    }
    long session = submit(Request.openSession(-1)).get(60, TimeUnit.SECONDS).openedSessionId();
    write(session, 1, 20);
    ReplicaStatus before = LocalGroup.awaitStatus(group.get(0), 2, x -> x.storage().persistedSeq() > 0);
    assertEquals("", before.storage().failure());

    disk.full.set(true);
    write(session, 21, 60); // the other two acknowledge: f+1 of three
    ReplicaStatus failed = LocalGroup.awaitStatus(group.get(0), 2, x -> x.storage().failed());
    assertEquals("stopped acknowledging: disk full at /fake/replica-2 (appending to log-00000000000000000001.seg)",
        failed.storage().failure());
    assertTrue(failed.storage().persistedSeq() <= disk.synced,
        "never reported more than the disk took: " + failed.storage() + ", synced " + disk.synced);
    long persisted = failed.storage().persistedSeq();
    write(session, 61, 80);
    ReplicaStatus later = LocalGroup.awaitStatus(group.get(0), 2, x -> true);
    assertEquals(persisted, later.storage().persistedSeq(), "nothing more reported on disk");
    assertTrue(later.storage().emittedSeq() > persisted, "the core went on emitting: " + later.storage());
    assertTrue(disk.closed, "the failed store was closed");
  }

  void write(long session, int from, int to) throws Exception {
    for (int s = from; s <= to; s++) {
      ClientReply r = submit(new Request(session, s, ("k" + s + "=v").getBytes(StandardCharsets.UTF_8)))
          .get(60, TimeUnit.SECONDS);
      assertEquals(ClientReply.Status.OK, r.status());
    }
  }

  /** To replica 0 or 1, resent until acknowledged OK. */
  CompletableFuture<ClientReply> submit(Request request) {
    return submit(request, 0);
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<ClientReply> submit(Request request, int attempt) {
    if (attempt > 200) {
      return CompletableFuture.failedFuture(new AssertionError("never acknowledged: " + request));
    }
    int replica = attempt % 2;
    ActorRef<ReplicaActor.Command> ref = (ActorRef<ReplicaActor.Command>) replicas[replica];
    CompletionStage<ClientReply> ask = AskPattern.ask(ref,
        (ActorRef<ClientReply> replyTo) -> new ReplicaActor.Submit(request, replyTo), Duration.ofSeconds(2),
        group.get(replica).scheduler());
    return ask.toCompletableFuture().handle((r, e) -> r).thenCompose(r -> r != null && r.status() == ClientReply.Status.OK
        ? CompletableFuture.completedFuture(r)
        : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
            .thenCompose(x -> submit(request, attempt + 1)));
  }
}
