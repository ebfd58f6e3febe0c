package dev.chora.runtime.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opening a log: reads every segment in index order, hands each good record to the caller, checks
 * the segments chain (each one's prevIndex is the last index before it) and that indexes rise,
 * and decides what a bad frame means.
 *
 * <p>The rule: damage is a torn write only where a torn write can be, i.e. at the end of the last
 * segment, after the last sync, with nothing valid behind it. The log syncs a segment before it
 * creates the next, so a crash can tear only the last one; and a crash tears a suffix, so a good
 * frame after a bad one proves in-place damage. A torn tail is cut off (the file truncated and
 * synced) and logged; a last segment left with no whole record (a crash just after it was created)
 * is deleted. Everything else is refused with a {@link CorruptStorageException} naming the file,
 * the offset and the last good index: never skipped.
 *
 * <p>Records reach the caller as they are read, before later segments are checked: a caller that
 * gets an exception must discard what it was given.
 */
final class LogReplay {
  static final System.Logger LOG = System.getLogger(SegmentedLog.class.getName());

  private final Disk disk;
  private final List<Segment> segments = new ArrayList<>();
  private long records;
  private long cutBytes;
  private final StringBuilder cut = new StringBuilder();

  private final boolean verifyChecksums;

  private LogReplay(Disk disk, boolean verifyChecksums) {
    this.disk = disk;
    this.verifyChecksums = verifyChecksums;
  }

  static LogReplay run(Disk disk, Consumer<LogRecord> visitor) throws IOException {
    return run(disk, visitor, true);
  }

  static LogReplay run(Disk disk, Consumer<LogRecord> visitor, boolean verifyChecksums) throws IOException {
    LogReplay replay = new LogReplay(disk, verifyChecksums);
    List<String> names = new ArrayList<>();
    for (String name : disk.list()) {
      if (SegmentHeader.parseFileName(name) >= 0) {
        names.add(name);
      }
    }
    for (int i = 0; i < names.size(); i++) {
      try (DiskFile file = disk.open(names.get(i))) {
        replay.segment(file, SegmentHeader.parseFileName(names.get(i)), i == names.size() - 1, visitor);
      }
    }
    return replay;
  }

  List<Segment> segments() {
    return segments;
  }

  ReplayReport report() {
    long lastIndex = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastIndex;
    return new ReplayReport(segments.size(), records, lastIndex, cutBytes, cut.toString());
  }

  private void segment(DiskFile file, long nameIndex, boolean last, Consumer<LogRecord> visitor) throws IOException {
    long size = file.size();
    long before = segments.isEmpty() ? CorruptStorageException.NO_INDEX : segments.get(segments.size() - 1).lastIndex;
    String headerProblem;
    byte[] head = new byte[SegmentHeader.BYTES];
    if (size < SegmentHeader.BYTES) {
      headerProblem = "partial segment header (" + size + " of " + SegmentHeader.BYTES + " bytes)";
    } else {
      file.read(0, head, 0, head.length);
      headerProblem = SegmentHeader.problem(head);
    }
    if (headerProblem != null) {
      if (!last || new SegmentScanner(file, size, 0, verifyChecksums).anyValidFrameFrom(0, 0)) {
        throw corrupt(file, 0, before, headerProblem);
      }
      remove(file, size, headerProblem);
      return;
    }
    SegmentHeader header = SegmentHeader.decode(head);
    if (header.firstIndex() != nameIndex) {
      throw corrupt(file, 0, before, "header says the first index is " + header.firstIndex() + ", the name says " + nameIndex);
    }
    if (!segments.isEmpty() && header.prevIndex() != before) {
      throw corrupt(file, 0, before, "segment follows index " + header.prevIndex() + " but the segment before it ends at "
          + before + ": a segment is missing or out of place");
    }
    SegmentScanner scanner = new SegmentScanner(file, size, SegmentHeader.BYTES, verifyChecksums);
    long lastIndex = header.prevIndex();
    long count = 0;
    for (long at = scanner.offset();; at = scanner.offset()) {
      LogRecord record = scanner.next();
      if (record == null) {
        break;
      }
      if (count == 0 ? record.index() != header.firstIndex() : record.index() <= lastIndex) {
        throw corrupt(file, at, lastIndex, "record index " + record.index()
            + (count == 0 ? " is not the segment's first index " + header.firstIndex() : " does not rise"));
      }
      visitor.accept(record);
      lastIndex = record.index();
      count++;
    }
    if (scanner.problem() != null) {
      long end = scanner.offset();
      if (!last) {
        throw corrupt(file, end, lastIndex, scanner.problem() + ", in a segment that is not the last");
      }
      if (scanner.anyValidFrameFrom(end + 1, lastIndex)) {
        throw corrupt(file, end, lastIndex, scanner.problem() + ", and a valid record follows it: damage, not a torn write");
      }
      if (count > 0) {
        file.truncate(end);
        file.force();
        noteCut(file, size - end, "cut a torn tail of " + (size - end) + " bytes at offset " + end + " (after index "
            + lastIndex + "): " + scanner.problem());
      }
    }
    if (count == 0) {
      if (!last) {
        throw corrupt(file, SegmentHeader.BYTES, lastIndex, "segment holds no record");
      }
      remove(file, size, "no whole record" + (scanner.problem() == null ? "" : ": " + scanner.problem()));
      return;
    }
    segments.add(new Segment(file.name(), header.firstIndex(), header.prevIndex(), lastIndex, scanner.offset()));
    records += count;
  }

  /** Deletes a last segment that a crash left without a whole record. */
  private void remove(DiskFile file, long size, String why) throws IOException {
    file.close();
    disk.delete(file.name());
    disk.syncDirectory();
    noteCut(file, size, "removed the last segment, which held " + why);
  }

  private void noteCut(DiskFile file, long bytes, String what) {
    cutBytes += bytes;
    String line = disk.location() + "/" + file.name() + ": " + what;
    cut.append(cut.length() == 0 ? "" : "; ").append(line);
    LOG.log(System.Logger.Level.WARNING, "log replay " + line);
  }

  private CorruptStorageException corrupt(DiskFile file, long offset, long index, String detail) {
    return new CorruptStorageException(disk.location(), file.name(), offset, index, detail);
  }
}
