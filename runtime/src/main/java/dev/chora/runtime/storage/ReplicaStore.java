package dev.chora.runtime.storage;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.core.Restored;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A durable replica's store: the core's {@link LogEntry log entries} in a {@link SegmentedLog}, the
 * latest view record in the {@link MetadataStore}, the executor's snapshots in the {@link
 * SnapshotStore}, all in one locked {@link DataDirectory}. Pure Java, single-threaded: one owner (the
 * Pekko replica's storage side, or the simulator) calls it. Used as:
 * <pre>
 *   store = ReplicaStore.open(disk, replicas, options)   // locks, replays, folds
 *   if (store.firstStart()) new ReplicaCore(...)         // nothing stored: guarded as today
 *   else ReplicaCore.restart(config, self, out, store.restore())
 *   // core.persist(e)  -> store.append(seq, e)
 *   // when it likes    -> core.persisted(now, store.sync())
 *   // a snapshot       -> store.saveSnapshot(round, bytes), then hand it to the core
 * </pre>
 *
 * <p>Every entry, view records included, is a log record whose index is the entry's number, so
 * what a crash leaves is always a prefix of the entry stream: a restart never sees a view record
 * without the entries before it, nor entries after a view record without it. The metadata store
 * holds the latest view record (with its entry number) once a snapshot is about to delete the log
 * segment holding it; a restart takes whichever of the log's and the metadata's view record has the
 * higher number. So a sync is one log sync however many entries and view records it covers (group
 * commit), with no extra metadata write on a view change.
 *
 * <p>Failures: the first I/O failure (a full disk, a read-only directory, a failed sync: a {@link
 * StorageUnwritableException}; or any other) makes every later call throw it again, and {@link
 * #durableSeq()} never rises again: a replica that gets it stops acknowledging, reports {@link
 * #stoppedAcknowledging()}, and reopens the directory to find what really is on disk. Damage on
 * open is a {@link CorruptStorageException} naming the file and where, after which nothing is
 * returned and the lock is released.
 */
public final class ReplicaStore implements Closeable {
  /** Syncs over which {@link StoreStats} gives latency percentiles. */
  public static final int LATENCY_WINDOW = 1024;

  private final Disk disk;
  private final DataDirectory directory;
  private final SegmentedLog log;
  private final SegmentConcerns concerns;
  private final LongSupplier nanoClock;
  private final int replicas;
  private final boolean firstStart;
  private Restored restored;
  /** The latest view record appended or replayed from the log, or null. */
  private LogEntryCodec.ViewState latestView;
  /** The view record the metadata store holds, or null. */
  private LogEntryCodec.ViewState storedView;
  private long lastSeq;
  private long durableSeq;
  private long snapshotRound;
  private IOException failure;
  private boolean closed;
  private long entriesAppended;
  private long syncs;
  private long lastSyncNanos;
  private long maxSyncNanos;
  private final long[] latencies = new long[LATENCY_WINDOW];
  private long segmentsDeleted;
  private long snapshotsSaved;

  private ReplicaStore(Disk disk, DataDirectory directory, SegmentedLog log, SegmentConcerns concerns,
      LongSupplier nanoClock, Opening opening) {
    this.disk = disk;
    this.directory = directory;
    this.log = log;
    this.concerns = concerns;
    this.nanoClock = nanoClock;
    this.replicas = opening.replicas;
    this.latestView = opening.logView;
    this.storedView = opening.storedView;
    this.snapshotRound = opening.snapshotRound;
    this.lastSeq = Math.max(log.lastIndex(), storedView == null ? 0 : storedView.seq());
    this.durableSeq = lastSeq;
    this.firstStart = log.lastIndex() == 0 && storedView == null && opening.snapshot == null;
    if (!firstStart) {
      LogEntryCodec.ViewState view = latestOf(latestView, storedView);
      restored = new Restored(snapshotRound, opening.snapshot, view.view(), opening.fold.rounds(), lastSeq + 1);
    }
  }

  /** {@link #open(Disk, int, ReplicaStoreOptions, LongSupplier)} timing syncs with {@link System#nanoTime}. */
  public static ReplicaStore open(Disk disk, int replicas, ReplicaStoreOptions options) throws IOException {
    return open(disk, replicas, options, System::nanoTime);
  }

  /**
   * Locks the data directory on {@code disk}, loads the latest snapshot and the view state, replays
   * the log (cutting a torn tail, see {@link SegmentedLog#open}) and folds its entries above the
   * snapshot into the rounds a restart needs.
   *
   * @param replicas  the cluster's size: every stored round has one slot per replica
   * @param nanoClock times syncs for {@link #stats()} only (the simulator may pass its own)
   * @throws DataDirectoryLockedException if another process or store holds the directory
   * @throws CorruptStorageException      on damage anywhere, on an entry this version cannot read or
   *                                      for another cluster size, and on a directory holding a log
   *                                      or snapshot but no view record
   */
  public static ReplicaStore open(Disk disk, int replicas, ReplicaStoreOptions options, LongSupplier nanoClock)
      throws IOException {
    if (replicas < 1 || replicas > LogEntryCodec.MAX_REPLICAS) {
      throw new IllegalArgumentException("replicas " + replicas + " is not in 1.." + LogEntryCodec.MAX_REPLICAS);
    }
    DataDirectory directory = DataDirectory.open(disk, options.maxMetadataBytes(), options.keepPreviousSnapshot(),
        options.maxSnapshotBytes());
    try {
      Opening opening = new Opening(disk, replicas);
      opening.loadViewAndSnapshot(directory);
      SegmentConcerns concerns = new SegmentConcerns();
      SegmentedLog log;
      try {
        log = directory.openLog(options.log(), record -> opening.replay(record, concerns));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      if (log.lastIndex() > 0 || opening.snapshot != null) {
        if (opening.logView == null && opening.storedView == null) {
          throw new CorruptStorageException(disk.location(), "holds " + (log.lastIndex() > 0 ? "a log up to entry "
              + log.lastIndex() : "no log") + (opening.snapshot != null ? " and a snapshot at round " + opening.snapshotRound
              : "") + " but no view record (in the log or " + MetadataStore.FILE + "): it was not written by a"
              + " durable replica, or files are missing; refusing to restart from it");
        }
      }
      return new ReplicaStore(disk, directory, log, concerns, nanoClock, opening);
    } catch (IOException | RuntimeException e) {
      try {
        directory.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Whether the directory held nothing to restart from: no log entry, view state or snapshot. */
  public boolean firstStart() {
    return firstStart;
  }

  /**
   * What the restart found, for {@link dev.chora.runtime.core.ReplicaCore#restart}: the latest
   * snapshot and its round, the latest view record, the rounds held above the snapshot and the
   * next entry number. May be called once (the rounds are then released).
   *
   * @throws IllegalStateException on a first start, or if called again
   */
  public Restored restore() {
    if (firstStart) {
      throw new IllegalStateException("the data directory " + disk.location() + " is a first start: nothing to restore");
    }
    if (restored == null) {
      throw new IllegalStateException("restore() was already called for " + disk.location());
    }
    Restored r = restored;
    restored = null;
    return r;
  }

  /** What replaying the log found; {@link ReplayReport#cutTornTail()} says a tail was cut. */
  public ReplayReport replayReport() {
    return log.replayReport();
  }

  /**
   * Appends the core's entry number {@code seq}; nothing is durable until {@link #sync()}.
   *
   * @throws IllegalArgumentException if {@code seq} is not the next number ({@link #lastSeq()} + 1),
   *                                  the entry is larger than the log's max-record-bytes or is
   *                                  for another cluster size; nothing is stored then
   * @throws IOException              the store's failure, now or earlier
   */
  public void append(long seq, LogEntry entry) throws IOException {
    checkUsable();
    if (seq != lastSeq + 1) {
      throw new IllegalArgumentException("log entry " + seq + " is out of order: the next entry number is " + (lastSeq + 1));
    }
    checkClusterSize(entry);
    int type = LogEntryCodec.type(entry);
    byte[] payload = LogEntryCodec.encode(entry);
    int segmentsBefore = log.segmentCount();
    try {
      log.append(seq, type, payload);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (IOException e) {
      throw fail(e);
    }
    if (log.segmentCount() != segmentsBefore || concerns.segments() == 0) {
      concerns.startSegment(seq);
    }
    noteConcern(concerns, seq, entry);
    if (entry instanceof LogEntry.ViewRecord v) {
      latestView = new LogEntryCodec.ViewState(seq, v);
    }
    lastSeq = seq;
    entriesAppended++;
  }

  /**
   * Makes every entry appended so far durable with one log sync and returns the highest entry
   * number on disk, for {@link dev.chora.runtime.core.ReplicaCore#persisted}. Returns at once when
   * nothing was appended since the last sync.
   *
   * @throws IOException the store's failure, now or earlier; {@link #durableSeq()} stays where it was
   */
  public long sync() throws IOException {
    checkUsable();
    if (durableSeq == lastSeq) {
      return durableSeq;
    }
    long start = nanoClock.getAsLong();
    try {
      log.sync();
    } catch (IOException e) {
      throw fail(e);
    }
    long took = Math.max(0, nanoClock.getAsLong() - start);
    latencies[(int) (syncs % LATENCY_WINDOW)] = took;
    syncs++;
    lastSyncNanos = took;
    maxSyncNanos = Math.max(maxSyncNanos, took);
    durableSeq = lastSeq;
    return durableSeq;
  }

  /**
   * Saves the executor's state after round {@code round} (its own snapshot, or one installed by
   * state transfer), durably, then deletes the leading log segments whose records all concern
   * rounds at or below it (never the last segment). The log is synced first (so a snapshot on disk
   * never runs ahead of the entries appended before it), and a view record in a segment about to
   * be deleted is first kept, as the latest view record, in the metadata store. A crash in between
   * only leaves log records the snapshot already covers.
   *
   * @return false, doing nothing, if {@code round} is not above the latest snapshot's round
   * @throws IllegalArgumentException if {@code round} is below 1 or the state is larger than
   *                                  max-snapshot-bytes
   */
  public boolean saveSnapshot(long round, byte[] state) throws IOException {
    checkUsable();
    if (round < 1) {
      throw new IllegalArgumentException("snapshot round " + round + " must be at least 1");
    }
    if (round <= snapshotRound) {
      return false;
    }
    // Every entry appended before the snapshot goes to disk first: a snapshot on disk never runs
    // ahead of the entries (the view record above all) that led to it.
    sync();
    try {
      directory.snapshots().save(round, state);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (IOException e) {
      throw fail(e);
    }
    snapshotRound = round;
    snapshotsSaved++;
    int k = concerns.deletablePrefix(round);
    if (k == 0) {
      return true;
    }
    long viewSeqDeleted = 0;
    for (int i = 0; i < k; i++) {
      viewSeqDeleted = Math.max(viewSeqDeleted, concerns.get(i).maxViewSeq);
    }
    if (viewSeqDeleted > 0 && (storedView == null || storedView.seq() < viewSeqDeleted)) {
      try {
        directory.metadata().write(LogEntryCodec.encodeViewState(latestView));
      } catch (IOException e) {
        throw fail(e);
      }
      storedView = latestView;
    }
    int deleted;
    try {
      deleted = log.truncatePrefix(concerns.get(k - 1).lastIndex);
    } catch (IOException e) {
      throw fail(e);
    }
    if (deleted != k) {
      throw new IllegalStateException("deleting " + k + " log segments below snapshot round " + round + " in "
          + disk.location() + " deleted " + deleted);
    }
    concerns.dropPrefix(k);
    segmentsDeleted += k;
    return true;
  }

  /** The last entry number appended (or found on open); the next append must be one above it. */
  public long lastSeq() {
    return lastSeq;
  }

  /** The highest entry number known to be on disk: what the core may be told is persisted. */
  public long durableSeq() {
    return durableSeq;
  }

  /** The latest snapshot's round, 0 if none is stored. */
  public long snapshotRound() {
    return snapshotRound;
  }

  /** The first I/O failure, after which the store refuses every call; null while healthy. */
  public IOException failure() {
    return failure;
  }

  /**
   * The replica's status line after a failure ("stopped acknowledging: disk full at /d (appending
   * to log-….seg)"), or null while healthy.
   */
  public String stoppedAcknowledging() {
    if (failure == null) {
      return null;
    }
    return failure instanceof StorageUnwritableException u ? u.stoppedAcknowledging()
        : "stopped acknowledging: storage failed at " + disk.location() + ": " + failure.getMessage();
  }

  /** The data directory, for messages. */
  public String location() {
    return disk.location();
  }

  /** The counters since opening. */
  public StoreStats stats() {
    int window = (int) Math.min(syncs, LATENCY_WINDOW);
    long[] sorted = Arrays.copyOf(latencies, window);
    Arrays.sort(sorted);
    return new StoreStats(entriesAppended, log.bytesWritten(), syncs, durableSeq, lastSyncNanos,
        percentile(sorted, 50), percentile(sorted, 99), maxSyncNanos, log.segmentCount(), segmentsDeleted,
        snapshotsSaved, snapshotRound);
  }

  /** Syncs what was appended (unless the store failed), closes the files and releases the lock. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    directory.close();
  }

  /** Refuses, before it is stored, an entry that a restart would refuse as another cluster's. */
  private void checkClusterSize(LogEntry entry) {
    if (entry instanceof LogEntry.Slot s && (s.proposer() < 0 || s.proposer() >= replicas)) {
      throw new IllegalArgumentException("slot of proposer " + s.proposer() + " in a cluster of " + replicas + " replicas");
    }
    if (entry instanceof LogEntry.Round r && r.slots().slots().length != replicas) {
      throw new IllegalArgumentException("round " + r.slots().round() + " of " + r.slots().slots().length
          + " slots in a cluster of " + replicas + " replicas");
    }
  }

  private void checkUsable() throws IOException {
    if (closed) {
      throw new IllegalStateException("the store of " + disk.location() + " is closed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private IOException fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }

  private static long percentile(long[] sorted, int p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, (long) sorted.length * p / 100)];
  }

  private static LogEntryCodec.ViewState latestOf(LogEntryCodec.ViewState a, LogEntryCodec.ViewState b) {
    if (a == null) {
      return b;
    }
    return b == null || a.seq() >= b.seq() ? a : b;
  }

  /** Counts entry {@code seq} to the last segment's concerns. */
  private static void noteConcern(SegmentConcerns concerns, long seq, LogEntry entry) {
    if (entry instanceof LogEntry.ClearAbove c) {
      concerns.clearAbove(c.round());
    }
    concerns.record(seq, concernedRound(entry), entry instanceof LogEntry.ViewRecord);
  }

  /** The round a record concerns, for deleting segments below a snapshot. */
  static long concernedRound(LogEntry entry) {
    if (entry instanceof LogEntry.Slot s) {
      return s.round();
    } else if (entry instanceof LogEntry.Round r) {
      return r.slots().round();
    } else if (entry instanceof LogEntry.ClearAbove c) {
      return c.round();
    }
    return SegmentConcerns.NO_ROUND;
  }

  /** What open reads before the store exists: the view state, the snapshot, the replayed log. */
  private static final class Opening {
    private final Disk disk;
    private final int replicas;
    private final List<Long> segmentStarts = new ArrayList<>();
    private int nextStart;
    private String segmentName = "";
    LogEntryCodec.ViewState storedView;
    LogEntryCodec.ViewState logView;
    long snapshotRound;
    byte[] snapshot;
    RoundFold fold;

    Opening(Disk disk, int replicas) throws IOException {
      this.disk = disk;
      this.replicas = replicas;
      for (String name : disk.list()) {
        long first = SegmentHeader.parseFileName(name);
        if (first >= 0) {
          segmentStarts.add(first);
        }
      }
      segmentStarts.sort(null);
    }

    void loadViewAndSnapshot(DataDirectory directory) throws IOException {
      Optional<byte[]> value = directory.metadata().read();
      if (value.isPresent()) {
        storedView = LogEntryCodec.decodeViewState(value.get(), disk.location() + "/" + MetadataStore.FILE);
      }
      Optional<Snapshot> latest = directory.snapshots().loadLatest();
      if (latest.isPresent()) {
        if (latest.get().index() < 1) {
          throw new CorruptStorageException(disk.location(), "holds a snapshot at round " + latest.get().index()
              + "; snapshots are of rounds from 1");
        }
        snapshotRound = latest.get().index();
        snapshot = latest.get().state();
      }
      fold = new RoundFold(snapshotRound, replicas);
    }

    /** One replayed record: decoded, folded, counted to its segment. */
    void replay(LogRecord record, SegmentConcerns concerns) {
      // Replay checked that a segment's first record has the index in its name.
      if (nextStart < segmentStarts.size() && segmentStarts.get(nextStart) == record.index()) {
        segmentName = SegmentHeader.fileName(record.index());
        nextStart++;
        concerns.startSegment(record.index());
      }
      String where = disk.location() + "/" + segmentName + ", entry " + record.index();
      try {
        LogEntry entry = LogEntryCodec.decode(record.type(), record.payload(), where);
        fold.apply(entry, where);
        noteConcern(concerns, record.index(), entry);
        if (entry instanceof LogEntry.ViewRecord v) {
          logView = new LogEntryCodec.ViewState(record.index(), v);
        }
      } catch (CorruptStorageException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
