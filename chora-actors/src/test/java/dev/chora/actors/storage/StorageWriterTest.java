package dev.chora.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.storage.StorageUnwritableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The storage writer on a disk that tells what it was asked: reports only what a sync covered,
 * one sync for everything queued meanwhile, snapshots in their place, back-pressure when full,
 * nothing more reported after a failure, and a close that syncs and releases the store.
 */
class StorageWriterTest {

  /** A store in memory that records every call; a sync can be held, and can fail, on cue. */
  static final class FakeStorage implements ReplicaStorage {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile long appended;
    volatile long synced;
    volatile int syncs;
    volatile CountDownLatch holdSync = new CountDownLatch(0);
    final CountDownLatch syncStarted = new CountDownLatch(1);
    volatile IOException failNextSync;
    volatile boolean closed;

    @Override
    public void append(long seq, LogEntry entry) {
      assertEquals(appended + 1, seq, "entries arrive in order, numbered without gaps");
      appended = seq;
      calls.add("append " + seq);
    }

    @Override
    public long sync() throws IOException {
      syncStarted.countDown();
      try {
        holdSync.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (failNextSync != null) {
        throw failNextSync;
      }
      syncs++;
      synced = appended;
      calls.add("sync " + synced);
      return synced;
    }

    @Override
    public void saveSnapshot(long round, byte[] state) {
      calls.add("snapshot " + round);
    }

    @Override
    public SyncFigures figures() {
      return new SyncFigures(syncs, 1000, 2000, appended * 10);
    }

    @Override
    public void close() {
      closed = true;
      calls.add("close");
    }
  }

  final FakeStorage storage = new FakeStorage();
  final LinkedBlockingQueue<Object> told = new LinkedBlockingQueue<>();
  StorageWriter writer;

  @AfterEach
  void close() throws Exception {
    if (writer != null) {
      storage.holdSync.countDown();
      writer.close(5_000);
    }
  }

  static LogEntry slot(long round, int bytes) {
    return new LogEntry.Slot(round, 0, 0b111, 1, Batch.of(List.of(new Request(1, round, new byte[bytes]))));
  }

  Object next() throws InterruptedException {
    Object m = told.poll(10, TimeUnit.SECONDS);
    assertTrue(m != null, "the writer told the replica something");
    return m;
  }

  @Test
  void reportsOnlyWhatASyncCoveredAndOneSyncCoversEverythingQueuedMeanwhile() throws Exception {
    writer = new StorageWriter("test-writer", storage, told::add, 1 << 20, 0);
    storage.holdSync = new CountDownLatch(1);
    writer.append(1, slot(1, 10));
    assertTrue(storage.syncStarted.await(10, TimeUnit.SECONDS));
    // While the first sync is held, more is queued: nothing is reported before a sync returns.
    for (long seq = 2; seq <= 50; seq++) {
      writer.append(seq, slot(seq, 10));
    }
    assertNull(told.poll(100, TimeUnit.MILLISECONDS), "nothing reported while the sync is held");
    storage.holdSync.countDown();
    assertEquals(new StorageWriter.Persisted(1), next());
    assertEquals(new StorageWriter.Persisted(50), next(), "the 49 entries queued meanwhile: one sync");
    assertEquals(2, storage.syncs);
    assertEquals(50, writer.durableSeq());
  }

  @Test
  void aRestartedWriterReportsOnlyAboveWhatWasOnDisk() throws Exception {
    storage.appended = 40;
    writer = new StorageWriter("test-writer", storage, told::add, 1 << 20, 40);
    writer.append(41, slot(41, 1));
    assertEquals(new StorageWriter.Persisted(41), next());
  }

  @Test
  void aSnapshotIsSavedInItsPlaceAndItsMessageFollowsIt() throws Exception {
    writer = new StorageWriter("test-writer", storage, told::add, 1 << 20, 0);
    storage.holdSync = new CountDownLatch(1);
    writer.append(1, slot(1, 1));
    assertTrue(storage.syncStarted.await(10, TimeUnit.SECONDS));
    writer.append(2, slot(2, 1));
    writer.saveSnapshot(2, new byte[100], "snapshot 2 saved");
    writer.append(3, slot(3, 1));
    storage.holdSync.countDown();
    assertEquals(new StorageWriter.Persisted(1), next());
    assertEquals(new StorageWriter.Persisted(2), next(), "the entries before the snapshot synced first");
    assertEquals("snapshot 2 saved", next());
    assertEquals(new StorageWriter.Persisted(3), next());
    assertEquals(List.of("append 1", "sync 1", "append 2", "sync 2", "snapshot 2", "append 3", "sync 3"),
        List.copyOf(storage.calls));
  }

  @Test
  void aFullQueueHoldsTheReplicaUntilTheDiskCatchesUp() throws Exception {
    long entry = StorageWriter.bytes(slot(1, 1000));
    writer = new StorageWriter("test-writer", storage, told::add, 3 * entry, 0);
    storage.holdSync = new CountDownLatch(1);
    writer.append(1, slot(1, 1000));
    assertTrue(storage.syncStarted.await(10, TimeUnit.SECONDS));
    writer.append(2, slot(2, 1000));
    writer.append(3, slot(3, 1000));
    writer.append(4, slot(4, 1000));
    AtomicBoolean fifthQueued = new AtomicBoolean();
    Thread replica = new Thread(() -> {
      writer.append(5, slot(5, 1000));
      fifthQueued.set(true);
    });
    replica.start();
    replica.join(200);
    assertFalse(fifthQueued.get(), "a fourth entry beyond three entries' room waits");
    assertEquals(1, writer.waitsForDisk());
    storage.holdSync.countDown();
    replica.join(10_000);
    assertTrue(fifthQueued.get(), "queued once the writer took the others");
    long last = 0;
    while (last < 5) {
      last = ((StorageWriter.Persisted) next()).seq();
    }
    assertEquals(5, storage.synced);
  }

  @Test
  void afterAFailureNothingMoreIsReportedAndNoReplicaWaits() throws Exception {
    writer = new StorageWriter("test-writer", storage, told::add, 2 * StorageWriter.bytes(slot(1, 10)), 0);
    writer.append(1, slot(1, 10));
    assertEquals(new StorageWriter.Persisted(1), next());
    storage.failNextSync = new StorageUnwritableException(StorageUnwritableException.Kind.DISK_FULL, "/data/r0",
        "appending to log-1.seg", null);
    writer.append(2, slot(2, 10));
    StorageWriter.Failed failed = (StorageWriter.Failed) next();
    assertEquals("stopped acknowledging: disk full at /data/r0 (appending to log-1.seg)", failed.why());
    assertEquals(failed.why(), writer.failure());
    // The queue holds two entries at most: were the writer not dropping them, the replica would block here.
    for (long seq = 3; seq <= 100; seq++) {
      writer.append(seq, slot(seq, 10));
    }
    assertTrue(writer.dropped() >= 98, "dropped: " + writer.dropped());
    assertNull(told.poll(200, TimeUnit.MILLISECONDS), "nothing reported after the failure");
    assertEquals(1, writer.durableSeq());
    assertTrue(storage.closed, "the failed store is closed, its lock released");
  }

  @Test
  void closeSyncsWhatIsQueuedThenClosesTheStore() throws Exception {
    writer = new StorageWriter("test-writer", storage, told::add, 1 << 20, 0);
    storage.holdSync = new CountDownLatch(1);
    writer.append(1, slot(1, 1));
    assertTrue(storage.syncStarted.await(10, TimeUnit.SECONDS));
    writer.append(2, slot(2, 1));
    storage.holdSync.countDown();
    assertTrue(writer.close(10_000));
    assertEquals(2, storage.synced);
    assertEquals("close", storage.calls.get(storage.calls.size() - 1));
    writer.append(3, slot(3, 1)); // after close: dropped, never blocks
    assertEquals(1, writer.dropped());
    writer = null;
  }

  @Test
  void aStoreThatHangsDoesNotHangTheClose() throws Exception {
    writer = new StorageWriter("test-writer", storage, told::add, 1 << 20, 0);
    storage.holdSync = new CountDownLatch(1);
    writer.append(1, slot(1, 1));
    assertTrue(storage.syncStarted.await(10, TimeUnit.SECONDS));
    assertFalse(writer.close(100), "the close gives up after its bound");
    assertFalse(storage.closed);
    storage.holdSync.countDown();
  }
}
