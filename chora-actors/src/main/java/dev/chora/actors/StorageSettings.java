package dev.chora.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code chora.storage} section, checked: whether this node's replica keeps its log on disk,
 * where, and the log's bounds. See chora-actors' reference.conf for what each setting means.
 *
 * @param mode            durable (the library's default) or memory (the paper's diskless mode)
 * @param dataDir         this replica's data directory, absolute; null on a node without a replica
 * @param segmentBytes    a log segment rolls over before it would exceed this
 * @param maxRecordBytes  the largest log record (a slot, or a whole round)
 * @param writeQueueBytes what may wait for the storage writer before the replica waits for it
 */
public record StorageSettings(Mode mode, Path dataDir, long segmentBytes, int maxRecordBytes, long writeQueueBytes) {

  /** Whether a replica persists. */
  public enum Mode {
    /** Slots acknowledged only once synced to the data directory; restart from disk. */
    DURABLE,
    /** Nothing on disk: a restarted replica recovers from its peers (the paper's mode). */
    MEMORY;

    /** The mode as chora.storage.mode and the command line write it. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where a replica's data directory is unless chora.storage.data-dir says: below the working directory. */
  public static Path defaultDataDir(int replicaId) {
    return Path.of("chora-data", "replica-" + replicaId).toAbsolutePath();
  }

  public boolean durable() {
    return mode == Mode.DURABLE;
  }

  /** The largest max-record-bytes accepted: a record is read into memory whole at replay. */
  static final int MAX_RECORD_BYTES = 1 << 30;

  /** What a stored round costs beyond its batches' bytes, per slot and per round, at most (the codec's headers). */
  static final int SLOT_OVERHEAD = 64;
  static final int ROUND_OVERHEAD = 1024;

  /**
   * Reads {@code chora.storage} of {@code chora}, adding every problem to {@code problems}
   * (returns null if any value could not be read).
   *
   * @param maxBatchBytes chora.protocol.max-batch-bytes, or 0 when the protocol section failed
   */
  static StorageSettings read(Config chora, int replicaId, int replicas, long maxBatchBytes, List<String> problems) {
    Config c;
    String modeName;
    String dataDirName;
    long segmentBytes;
    long maxRecordBytes;
    long queueBytes;
    try {
      c = chora.getConfig("storage");
      modeName = c.getString("mode");
      dataDirName = c.getString("data-dir");
      segmentBytes = c.getBytes("segment-bytes");
      maxRecordBytes = c.getBytes("max-record-bytes");
      queueBytes = c.getBytes("write-queue-bytes");
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      return null;
    }
    int before = problems.size();
    Mode mode = switch (modeName) {
      case "durable" -> Mode.DURABLE;
      case "memory" -> Mode.MEMORY;
      default -> {
        problems.add("chora.storage.mode = \"" + modeName + "\": must be durable (log and snapshots on disk, the"
            + " default) or memory (nothing on disk; a restarted replica recovers from its peers)");
        yield null;
      }
    };
    Path dataDir = null;
    if (replicaId >= 0) {
      try {
        dataDir = dataDirName.isBlank() ? defaultDataDir(replicaId) : Path.of(dataDirName).toAbsolutePath();
        if (mode == Mode.DURABLE && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
          problems.add("chora.storage.data-dir = \"" + dataDir + "\" exists and is not a directory: name a directory"
              + " (made if missing) that holds only this replica's data");
        }
      } catch (InvalidPathException e) {
        problems.add("chora.storage.data-dir = \"" + dataDirName + "\" is not a path (" + e.getMessage() + ")");
      }
    }
    if (maxRecordBytes > MAX_RECORD_BYTES) {
      problems.add("chora.storage.max-record-bytes = " + maxRecordBytes + ": at most 1GiB (a record is read whole"
          + " into memory when the log is replayed)");
    }
    long round = roundBytes(replicas, maxBatchBytes);
    if (maxBatchBytes > 0 && maxRecordBytes < round) {
      problems.add("chora.storage.max-record-bytes = " + maxRecordBytes + " cannot hold a round of full batches ("
          + replicas + " x (chora.protocol.max-batch-bytes = " + maxBatchBytes + " + " + SLOT_OVERHEAD + ") + "
          + ROUND_OVERHEAD + " = " + round + " bytes): raise it to at least " + round);
    }
    if (segmentBytes < maxRecordBytes + 1024) {
      problems.add("chora.storage.segment-bytes = " + segmentBytes + " cannot hold a record of"
          + " chora.storage.max-record-bytes = " + maxRecordBytes + " with its headers: at least max-record-bytes"
          + " + 1KiB (" + (maxRecordBytes + 1024) + ")");
    }
    if (queueBytes < maxRecordBytes) {
      problems.add("chora.storage.write-queue-bytes = " + queueBytes + ": at least chora.storage.max-record-bytes = "
          + maxRecordBytes + ", so that any record can wait for the writer");
    }
    if (problems.size() > before) {
      return null;
    }
    return new StorageSettings(mode, dataDir, segmentBytes, (int) maxRecordBytes, queueBytes);
  }

  /** The most a stored round of full batches takes as one record. */
  static long roundBytes(int replicas, long maxBatchBytes) {
    return (long) replicas * (maxBatchBytes + SLOT_OVERHEAD) + ROUND_OVERHEAD;
  }
}
