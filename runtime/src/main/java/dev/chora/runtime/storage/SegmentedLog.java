package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A segmented write-ahead log of opaque records under strictly increasing indexes, on a {@link
 * Disk}. The storage layer of the durable mode being built for issue 24; the core will log round
 * slots through it and learn from {@link #sync()} which of them it may acknowledge.
 *
 * <p>Invariants (the format is in {@code docs/storage.md}):
 * <ul>
 *   <li>Group commit: {@link #append} only buffers; {@link #sync()} writes and syncs everything
 *       appended before it, at the cost of one write and one fdatasync however many records that
 *       is, and returns the highest index that is now durable. Nothing above {@link
 *       #durableIndex()} may be acknowledged.</li>
 *   <li>Segments roll over before they would pass {@code segmentBytes}; the full segment is synced
 *       before the next is created, so only the last segment can ever hold unsynced bytes, and
 *       replay can treat damage anywhere else as corruption. A new segment's directory entry is
 *       synced by the next {@link #sync()}, before it reports the segment's records durable.</li>
 *   <li>{@link #truncateSuffix} and {@link #truncatePrefix} are durable when they return: a
 *       removed record never comes back after a crash, so the owner may act on the removal (say,
 *       append a view change's decided slots in its place) at once.</li>
 *   <li>After an I/O failure the log refuses every further operation with the same exception: a
 *       failed write may have left part of a frame in the file, and after a failed fsync the
 *       kernel may have dropped the unwritten pages, so nothing in memory can be trusted about
 *       what is on disk. Close it and {@link #open} it again: replay finds what really is there.
 *       A full disk is reported as {@link StorageUnwritableException}; the owner stops
 *       acknowledging and says so.</li>
 * </ul>
 * Not thread-safe: one owner (the replica's storage role) calls it.
 */
public final class SegmentedLog implements Closeable {
  private final Disk disk;
  private final LogOptions options;
  private final List<Segment> segments;
  private final ReplayReport replay;
  private final byte[] buffer;
  private int buffered;
  /** The last segment's file, open for appending; null while there is no segment. */
  private DiskFile active;
  private long lastIndex;
  private long durableIndex;
  private boolean directoryDirty;
  private IOException failure;
  private boolean closed;
  private long syncs;
  private long bytesWritten;

  private SegmentedLog(Disk disk, LogOptions options, LogReplay replay) throws IOException {
    this.disk = disk;
    this.options = options;
    this.segments = new ArrayList<>(replay.segments());
    this.replay = replay.report();
    this.buffer = new byte[options.writeBufferBytes()];
    if (!segments.isEmpty()) {
      Segment last = last();
      active = disk.open(last.name);
      // What replay read may sit in the page cache only, data and directory entries alike (a
      // process restart without a machine crash): sync both, so that every record replayed
      // counts as durable.
      active.force();
      disk.syncDirectory();
      lastIndex = last.lastIndex;
    }
    durableIndex = lastIndex;
  }

  /**
   * Opens the log in {@code disk}, creating nothing until the first append. Every good record is
   * handed to {@code visitor} in index order; a torn tail is cut (see {@link LogReplay}); damage
   * elsewhere throws {@link CorruptStorageException}, after which what the visitor got must be
   * discarded.
   */
  public static SegmentedLog open(Disk disk, LogOptions options, Consumer<LogRecord> visitor) throws IOException {
    return new SegmentedLog(disk, options, LogReplay.run(disk, visitor, options.verifyChecksums()));
  }

  /**
   * Buffers one record. Nothing is durable until {@link #sync()}; when the write buffer fills it
   * goes to the file, and when the segment is full it is synced and a new one started.
   *
   * @throws IllegalArgumentException if the index does not rise, the type is not 0 to 255 or the
   *                                  payload is larger than {@code maxRecordBytes}
   */
  public void append(long index, int type, byte[] payload) throws IOException {
    checkUsable();
    if (index < 1 || index <= lastIndex) {
      throw new IllegalArgumentException("record index " + index + " must be at least 1 and above the last, " + lastIndex);
    }
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("record type " + type + " is not in 0..255");
    }
    if (payload.length > options.maxRecordBytes()) {
      throw new IllegalArgumentException("record " + index + " of " + payload.length
          + " bytes exceeds the log's max-record-bytes (" + options.maxRecordBytes() + ")");
    }
    int frameBytes = RecordFrame.HEADER_BYTES + payload.length;
    try {
      if (active == null || last().size + frameBytes > options.segmentBytes()) {
        startSegment(index);
      }
      if (frameBytes > buffer.length - buffered) {
        flush();
      }
      if (frameBytes <= buffer.length) {
        RecordFrame.writeHeader(buffer, buffered, index, type, payload);
        System.arraycopy(payload, 0, buffer, buffered + RecordFrame.HEADER_BYTES, payload.length);
        buffered += frameBytes;
      } else {
        byte[] header = new byte[RecordFrame.HEADER_BYTES];
        RecordFrame.writeHeader(header, 0, index, type, payload);
        write(header, header.length);
        write(payload, payload.length);
      }
    } catch (IOException e) {
      throw fail(e);
    }
    Segment last = last();
    last.size += frameBytes;
    last.lastIndex = index;
    lastIndex = index;
  }

  /**
   * Makes every record appended so far durable (one write and one fdatasync of the last segment,
   * and a directory sync if a segment was created since the last) and returns the highest
   * durable index, 0 if the log is empty.
   */
  public long sync() throws IOException {
    checkUsable();
    if (durableIndex == lastIndex && buffered == 0 && !directoryDirty) {
      return durableIndex;
    }
    try {
      flush();
      if (active != null) {
        active.force();
      }
      if (directoryDirty) {
        disk.syncDirectory();
        directoryDirty = false;
      }
    } catch (IOException e) {
      throw fail(e);
    }
    syncs++;
    durableIndex = lastIndex;
    return durableIndex;
  }

  /**
   * Removes every record with an index of {@code fromIndex} or more (a view change replacing the
   * uncommitted suffix), durably: whole segments from the end first, then the rest of the cut in
   * the segment that keeps records below it, which is then synced. A crash or an I/O failure part
   * way leaves the old log or a prefix of it that still holds every durable record below {@code
   * fromIndex}, never a mix of old and new records.
   */
  public void truncateSuffix(long fromIndex) throws IOException {
    checkUsable();
    if (fromIndex > lastIndex) {
      return;
    }
    try {
      flush();
      boolean deleted = false;
      long newLast = lastIndex;
      while (!segments.isEmpty() && last().firstIndex >= fromIndex) {
        Segment gone = segments.remove(segments.size() - 1);
        closeActive();
        disk.delete(gone.name);
        deleted = true;
        newLast = gone.prevIndex;
      }
      // Also when nothing was deleted: the segment that keeps the records below the cut may be
      // new since the last sync, and its records count as durable once this returns.
      if (deleted || directoryDirty) {
        disk.syncDirectory();
        directoryDirty = false;
      }
      if (!segments.isEmpty()) {
        Segment last = last();
        if (active == null) {
          active = disk.open(last.name);
        }
        if (last.lastIndex >= fromIndex) {
          cutWithin(last, fromIndex);
        }
        active.force();
        newLast = last.lastIndex;
      }
      lastIndex = newLast;
      durableIndex = newLast;
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /**
   * Deletes the whole segments whose records all have indexes of {@code upToIndex} or less (after a
   * snapshot at {@code upToIndex}), never the last segment, so the log keeps its last index; the
   * deletions are synced. Records at or below {@code upToIndex} that share a segment with later
   * ones stay: the owner skips records its snapshot covers. Returns the number of segments deleted.
   */
  public int truncatePrefix(long upToIndex) throws IOException {
    checkUsable();
    int deleted = 0;
    try {
      while (segments.size() > 1 && segments.get(0).lastIndex <= upToIndex) {
        disk.delete(segments.remove(0).name);
        deleted++;
      }
      if (deleted > 0) {
        disk.syncDirectory();
        directoryDirty = false;
      }
    } catch (IOException e) {
      throw fail(e);
    }
    return deleted;
  }

  /**
   * Hands every record with an index of {@code fromIndex} or more to {@code visitor}, in order,
   * including those appended but not yet synced (they are written to the file first). A bad frame
   * here cannot be a torn write, so any is a {@link CorruptStorageException}.
   */
  public void read(long fromIndex, Consumer<LogRecord> visitor) throws IOException {
    checkUsable();
    try {
      flush();
    } catch (IOException e) {
      throw fail(e);
    }
    for (Segment segment : segments) {
      if (segment.lastIndex < fromIndex) {
        continue;
      }
      try (DiskFile file = disk.open(segment.name)) {
        SegmentScanner scanner = new SegmentScanner(file, segment.size, SegmentHeader.BYTES, options.verifyChecksums());
        for (LogRecord record = scanner.next(); record != null; record = scanner.next()) {
          if (record.index() >= fromIndex) {
            visitor.accept(record);
          }
        }
        checkScannedToEnd(scanner, segment);
      }
    }
  }

  /** The first record's index; {@link #lastIndex()} + 1 if the log is empty. */
  public long firstIndex() {
    return segments.isEmpty() ? lastIndex + 1 : segments.get(0).firstIndex;
  }

  /** The last record's index, 0 if the log has never held one since it was opened empty. */
  public long lastIndex() {
    return lastIndex;
  }

  /** The highest index known to be on disk: what a replica may acknowledge. */
  public long durableIndex() {
    return durableIndex;
  }

  /** What opening the log found and repaired. */
  public ReplayReport replayReport() {
    return replay;
  }

  public int segmentCount() {
    return segments.size();
  }

  /** Syncs done by {@link #sync()} (not counting those of rollovers and truncations). */
  public long syncCount() {
    return syncs;
  }

  /** Bytes written to segment files since opening, headers and frames included. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** The first I/O failure, after which the log refuses every operation; null while healthy. */
  public IOException failure() {
    return failure;
  }

  /** Syncs what was appended (unless the log has failed) and closes the files. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      if (failure == null) {
        sync();
      }
    } finally {
      closed = true;
      closeActive();
    }
  }

  private void startSegment(long firstIndex) throws IOException {
    if (active != null) {
      // The full segment must be whole on disk, name included, before the next one exists:
      // replay relies on damage outside the last segment never being a torn write, and a later
      // segment must never survive a crash that an earlier one does not.
      flush();
      active.force();
      if (directoryDirty) {
        disk.syncDirectory();
        directoryDirty = false;
      }
      durableIndex = lastIndex;
      closeActive();
    }
    String name = SegmentHeader.fileName(firstIndex);
    active = disk.create(name);
    directoryDirty = true;
    segments.add(new Segment(name, firstIndex, lastIndex, lastIndex, SegmentHeader.BYTES));
    byte[] header = new SegmentHeader(firstIndex, lastIndex).encode();
    System.arraycopy(header, 0, buffer, 0, header.length);
    buffered = header.length;
  }

  /** Cuts the last segment just before its first record with an index of {@code fromIndex} or more. */
  private void cutWithin(Segment segment, long fromIndex) throws IOException {
    SegmentScanner scanner = new SegmentScanner(active, segment.size, SegmentHeader.BYTES, options.verifyChecksums());
    long kept = segment.prevIndex;
    for (long at = scanner.offset();; at = scanner.offset()) {
      LogRecord record = scanner.next();
      if (record == null) {
        checkScannedToEnd(scanner, segment);
        throw new IllegalStateException(segment.name + " ends before index " + fromIndex + " though it should hold it");
      }
      if (record.index() >= fromIndex) {
        active.truncate(at);
        segment.size = at;
        segment.lastIndex = kept;
        return;
      }
      kept = record.index();
    }
  }

  private void checkScannedToEnd(SegmentScanner scanner, Segment segment) throws CorruptStorageException {
    if (scanner.problem() != null) {
      throw new CorruptStorageException(disk.location(), segment.name, scanner.offset(), CorruptStorageException.NO_INDEX,
          scanner.problem() + ", in a segment this log wrote and checked");
    }
  }

  private void flush() throws IOException {
    if (buffered > 0) {
      int n = buffered;
      buffered = 0;
      write(buffer, n);
    }
  }

  private void write(byte[] bytes, int length) throws IOException {
    active.append(bytes, 0, length);
    bytesWritten += length;
  }

  private void closeActive() throws IOException {
    if (active != null) {
      DiskFile file = active;
      active = null;
      file.close();
    }
  }

  private Segment last() {
    return segments.get(segments.size() - 1);
  }

  private void checkUsable() throws IOException {
    if (closed) {
      throw new IllegalStateException("the log in " + disk.location() + " is closed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private IOException fail(IOException e) {
    failure = e;
    return e;
  }
}
