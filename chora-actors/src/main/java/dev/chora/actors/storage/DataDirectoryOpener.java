package dev.chora.actors.storage;

import dev.chora.actors.StorageSettings;
import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.core.Restored;
import dev.chora.runtime.storage.FileDisk;
import dev.chora.runtime.storage.LogOptions;
import dev.chora.runtime.storage.ReplicaStore;
import dev.chora.runtime.storage.ReplicaStoreOptions;
import dev.chora.runtime.storage.StoreStats;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a durable replica's data directory ({@link ReplicaStore} on a {@link FileDisk}): locks it,
 * replays the log and folds it, on the caller's thread, so that a locked, damaged or unwritable
 * directory fails the replica's start at once with the store's own message.
 */
public final class DataDirectoryOpener {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryOpener.class);

  /** The log's write buffer: appends gathered before a write to the file (the store's default). */
  private static final int WRITE_BUFFER_BYTES = LogOptions.DEFAULTS.writeBufferBytes();

  private DataDirectoryOpener() {}

  /**
   * @throws StorageOpenException with the store's message: the directory locked by another process
   *                              (or replica), damaged, or not writable
   */
  public static OpenedStore open(StorageSettings settings, ChoraConfig protocol, int replicaId) {
    ReplicaStoreOptions options = new ReplicaStoreOptions(
        new LogOptions(settings.segmentBytes(), settings.maxRecordBytes(), WRITE_BUFFER_BYTES),
        ReplicaStoreOptions.DEFAULTS.maxMetadataBytes(), ReplicaStoreOptions.DEFAULTS.keepPreviousSnapshot(),
        protocol.maxSnapshotBytes());
    ReplicaStore store;
    try {
      store = ReplicaStore.open(FileDisk.open(settings.dataDir()), protocol.replicas(), options);
    } catch (IOException | RuntimeException e) {
      throw new StorageOpenException("replica " + replicaId + ": cannot open its data directory "
          + settings.dataDir() + ": " + e.getMessage(), e);
    }
    if (store.replayReport().cutTornTail()) {
      LOG.warn("replica {}: {}: the last log record was torn (a crash mid-write) and cut: {}", replicaId,
          settings.dataDir(), store.replayReport().cut());
    }
    Restored restored = store.firstStart() ? null : store.restore();
    return new OpenedStore(settings.dataDir(), new Adapter(store), restored, settings.writeQueueBytes());
  }

  /** The store as the writer sees it. */
  private static final class Adapter implements ReplicaStorage {
    private final ReplicaStore store;

    Adapter(ReplicaStore store) {
      this.store = store;
    }

    @Override
    public void append(long seq, LogEntry entry) throws IOException {
      store.append(seq, entry);
    }

    @Override
    public long sync() throws IOException {
      return store.sync();
    }

    @Override
    public void saveSnapshot(long round, byte[] state) throws IOException {
      store.saveSnapshot(round, state);
    }

    @Override
    public SyncFigures figures() {
      StoreStats s = store.stats();
      return new SyncFigures(s.syncs(), s.syncP50Nanos(), s.syncP99Nanos(), s.bytesWritten());
    }

    @Override
    public void close() throws IOException {
      store.close();
    }
  }
}
