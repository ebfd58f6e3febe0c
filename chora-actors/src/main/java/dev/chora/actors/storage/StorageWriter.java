package dev.chora.actors.storage;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.storage.StorageUnwritableException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A durable replica's disk writer, on a thread of its own so that an fdatasync never holds the
 * replica actor: the replica queues log entries and snapshots; the writer takes everything queued,
 * appends it in order, syncs once (group commit: one sync covers every entry queued while the last
 * one ran) and tells the replica {@link Persisted} with the highest entry number on disk. A
 * snapshot is saved in its place in the order (so an entry queued after it is reported only once
 * the snapshot is durable too), and the message given with it goes to the replica once it is.
 *
 * <p>Bounded: the queue holds at most {@code capacityBytes} (an entry counts its batches' bytes
 * plus a fixed overhead); a replica that queues more waits for the disk (back-pressure: it can go
 * no faster than its disk). One item larger than the bound is taken when the queue is empty.
 *
 * <p>A failure (a full or read-only disk, a failed sync, a record the log refuses) stops the
 * writer reporting: nothing more is ever reported persisted, so the replica acknowledges nothing
 * more, and it is told once, with {@link Failed}, why. Items queued afterwards are dropped (counted),
 * so the replica never waits on a writer that will not write again.
 */
public final class StorageWriter implements AutoCloseable {
  /** Every entry number up to {@code seq} is on disk. */
  public record Persisted(long seq) {}

  /** The writer stopped: nothing more will be reported persisted. {@code why} is the line to log and show. */
  public record Failed(String why, Throwable cause) {}

  /** What an entry costs in the queue besides its batches: the record and its header. */
  static final int ENTRY_OVERHEAD_BYTES = 64;

  private sealed interface Item permits Append, Snapshot {
    long bytes();
  }

  private record Append(long seq, LogEntry entry, long bytes) implements Item {}

  private record Snapshot(long round, byte[] state, Object thenTell) implements Item {
    public long bytes() {
      return state.length + ENTRY_OVERHEAD_BYTES;
    }
  }

  private final ReplicaStorage storage;
  private final Consumer<Object> replica;
  private final long capacityBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean closing;
  private final Thread thread;

  private volatile String failure;
  private volatile long durableSeq;
  private volatile long dropped;
  private volatile long waitsForDisk;
  private volatile ReplicaStorage.SyncFigures figures = ReplicaStorage.SyncFigures.NONE;
  /** The storage's figures are read at most this often (the status is refreshed every 100 ms). */
  private static final long FIGURES_EVERY_NANOS = 50_000_000L;
  private long figuresReadNanos = System.nanoTime() - FIGURES_EVERY_NANOS - 1;

  /**
   * Starts the writer's thread.
   *
   * @param storage       the opened, restored data directory; the writer owns it from now on and closes it
   * @param replica       how to tell the replica ({@code ActorRef::tell}); called on the writer's thread
   * @param capacityBytes what may be queued before {@link #append} waits
   * @param durableSeq    the highest entry number already on disk (restart), 0 on a first start
   */
  public StorageWriter(String threadName, ReplicaStorage storage, Consumer<Object> replica, long capacityBytes,
      long durableSeq) {
    if (capacityBytes < 1) {
      throw new IllegalArgumentException("the write queue needs room for something: " + capacityBytes + " bytes");
    }
    this.storage = storage;
    this.replica = replica;
    this.capacityBytes = capacityBytes;
    this.durableSeq = durableSeq;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues log entry {@code seq}; waits while the queue is full (never once the writer has failed or closes). */
  public void append(long seq, LogEntry entry) {
    offer(new Append(seq, entry, bytes(entry)));
  }

  /**
   * Queues a snapshot to save in order with the entries; once it is on disk {@code thenTell} (if not
   * null) goes to the replica. Never told if the writer fails first.
   */
  public void saveSnapshot(long round, byte[] state, Object thenTell) {
    offer(new Snapshot(round, state, thenTell));
  }

  /** Why the writer stopped writing ("stopped acknowledging: ..."), or null while it writes. */
  public String failure() {
    return failure;
  }

  /** The highest entry number the writer has seen on disk. */
  public long durableSeq() {
    return durableSeq;
  }

  /** Entries and snapshots dropped because the writer had failed. */
  public long dropped() {
    return dropped;
  }

  /** Times the replica found the queue full and waited for the disk. */
  public long waitsForDisk() {
    return waitsForDisk;
  }

  /** The storage's sync figures, as of the last sync. */
  public ReplicaStorage.SyncFigures figures() {
    return figures;
  }

  private void offer(Item item) {
    lock.lock();
    try {
      boolean waited = false;
      while (failure == null && !closing && !queue.isEmpty() && queuedBytes + item.bytes() > capacityBytes) {
        if (!waited) {
          waited = true;
          waitsForDisk++;
        }
        notFull.awaitUninterruptibly();
      }
      if (failure != null || closing) {
        dropped++;
        return;
      }
      queue.add(item);
      queuedBytes += item.bytes();
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  private List<Item> takeAll() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !closing) {
        notEmpty.await();
      }
      List<Item> batch = new ArrayList<>(queue);
      queue.clear();
      queuedBytes = 0;
      notFull.signalAll();
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    try {
      while (true) {
        List<Item> batch = takeAll();
        if (batch.isEmpty()) {
          return; // closing, everything written
        }
        write(batch);
        if (failure != null) {
          drainAfterFailure();
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() gave up waiting: stop where we are
    } finally {
      try {
        storage.close();
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          failed("stopped acknowledging: closing the data directory failed: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Appends the batch in order, saving snapshots where they fall, with one sync per run of entries. */
  private void write(List<Item> batch) {
    try {
      boolean unsynced = false;
      for (Item item : batch) {
        if (item instanceof Append a) {
          storage.append(a.seq(), a.entry());
          unsynced = true;
        } else if (item instanceof Snapshot s) {
          if (unsynced) {
            sync(); // the entries before the snapshot reported in their place
            unsynced = false;
          }
          storage.saveSnapshot(s.round(), s.state());
          if (s.thenTell() != null) {
            replica.accept(s.thenTell());
          }
        }
      }
      if (unsynced) {
        sync();
      }
    } catch (StorageUnwritableException e) {
      failed(e.stoppedAcknowledging(), e);
    } catch (IOException | RuntimeException e) {
      failed("stopped acknowledging: writing to the data directory failed: " + e, e);
    }
  }

  private void sync() throws IOException {
    long seq = storage.sync();
    long now = System.nanoTime();
    if (now - figuresReadNanos > FIGURES_EVERY_NANOS) {
      figuresReadNanos = now; // a read sorts the recent latencies: not after every sync
      figures = storage.figures();
    }
    if (seq > durableSeq) {
      durableSeq = seq;
      replica.accept(new Persisted(seq));
    }
  }

  private void failed(String why, Throwable cause) {
    lock.lock();
    try {
      failure = why;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    replica.accept(new Failed(why, cause));
  }

  /** After a failure: empty the queue (and keep it empty) so that no replica waits on it. */
  private void drainAfterFailure() {
    lock.lock();
    try {
      dropped += queue.size();
      queue.clear();
      queuedBytes = 0;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes and syncs what is queued, then closes the storage (releasing its directory's lock), for
   * at most {@code timeoutMillis}; returns whether the writer finished in that time (if not, it
   * goes on in the background and closes the storage when its disk returns).
   */
  public boolean close(long timeoutMillis) throws InterruptedException {
    lock.lock();
    try {
      closing = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    thread.join(TimeUnit.MILLISECONDS.toMillis(timeoutMillis));
    return !thread.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    close(10_000);
  }

  /** What an entry costs in the queue. */
  static long bytes(LogEntry entry) {
    if (entry instanceof LogEntry.Slot s) {
      return ENTRY_OVERHEAD_BYTES + (s.batch() == null ? 0 : s.batch().sizeBytes());
    } else if (entry instanceof LogEntry.Round r) {
      return ENTRY_OVERHEAD_BYTES + r.slots().sizeBytes();
    }
    return ENTRY_OVERHEAD_BYTES;
  }
}
