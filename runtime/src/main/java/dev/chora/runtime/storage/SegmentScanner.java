package dev.chora.runtime.storage;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a segment's frames in order, trusting none whose checksum fails. It stops at the first
 * frame that is short, runs past the end of the file or fails its checksum, and says what was
 * wrong and where; whether that is a torn tail to cut or corruption to refuse is the log's call
 * (it depends on where the segment is), helped by {@link #anyValidFrameFrom}.
 *
 * <p>Reads go through a window of the file so that replay costs a few large reads, not two small
 * ones per record. Memory is bounded by the window plus the largest frame, which the file's size
 * bounds in turn (a frame claiming to run past the end is rejected before it is read).
 */
final class SegmentScanner {
  private static final int WINDOW_BYTES = 256 << 10;

  private final DiskFile file;
  private final long size;
  private byte[] window = new byte[0];
  private long windowStart;
  private int windowLength;
  private long offset;
  private String problem;

  private final boolean verifyChecksums;

  /** Scans {@code file} (of {@code size} bytes) from {@code start}, the end of its header. */
  SegmentScanner(DiskFile file, long size, long start) {
    this(file, size, start, true);
  }

  /** @param verifyChecksums false only for the simulator's TRUST_BAD_CHECKSUM mutation */
  SegmentScanner(DiskFile file, long size, long start, boolean verifyChecksums) {
    this.verifyChecksums = verifyChecksums;
    this.file = file;
    this.size = size;
    this.offset = start;
  }

  /** The offset of the next frame: after a clean end or a problem, where the good frames end. */
  long offset() {
    return offset;
  }

  /** What stopped the scan, or null if it reached the end cleanly (or has not stopped). */
  String problem() {
    return problem;
  }

  /** The next good record, or null at the end of the file or at a bad frame (see {@link #problem}). */
  LogRecord next() throws IOException {
    if (problem != null || offset == size) {
      return null;
    }
    String bad = frameProblem(offset);
    if (bad != null) {
      problem = bad;
      return null;
    }
    int headerAt = fill(offset, RecordFrame.HEADER_BYTES);
    int length = RecordFrame.length(window, headerAt);
    int at = fill(offset, RecordFrame.HEADER_BYTES + length);
    byte[] payload = Arrays.copyOfRange(window, at + RecordFrame.HEADER_BYTES, at + RecordFrame.HEADER_BYTES + length);
    LogRecord record = new LogRecord(RecordFrame.index(window, at), RecordFrame.type(window, at), payload);
    offset += RecordFrame.HEADER_BYTES + length;
    return record;
  }

  /**
   * Whether a well-formed frame with a matching checksum and an index above {@code afterIndex}
   * starts anywhere at or after {@code from}. A torn write leaves only garbage after the last good
   * frame; a valid frame beyond a bad one means the bad one was damaged in place, i.e. corruption.
   * The search is byte by byte, but it runs only on a bad frame and over at most the rest of one
   * segment; a torn tail is short, and after a damaged record the next good frame is close.
   */
  boolean anyValidFrameFrom(long from, long afterIndex) throws IOException {
    for (long at = from; at + RecordFrame.HEADER_BYTES <= size; at++) {
      if (frameProblem(at) == null) {
        int frame = fill(at, RecordFrame.HEADER_BYTES);
        if (RecordFrame.index(window, frame) > afterIndex) {
          return true;
        }
      }
    }
    return false;
  }

  /** What is wrong with the frame at {@code at}, or null if it is whole and its checksum matches. */
  private String frameProblem(long at) throws IOException {
    long remaining = size - at;
    if (remaining < RecordFrame.HEADER_BYTES) {
      return "partial frame header (" + remaining + " of " + RecordFrame.HEADER_BYTES + " bytes)";
    }
    // fill() may replace the window, so it must run before the window is read.
    int headerAt = fill(at, RecordFrame.HEADER_BYTES);
    int length = RecordFrame.length(window, headerAt);
    if (length < 0 || length > remaining - RecordFrame.HEADER_BYTES) {
      return "frame of " + length + " payload bytes runs past the end of the file (" + remaining + " bytes left)";
    }
    int start = fill(at, RecordFrame.HEADER_BYTES + length);
    if (verifyChecksums && !RecordFrame.checksumMatches(window, start)) {
      return "record checksum mismatch";
    }
    return null;
  }

  /** Makes bytes [at, at + len) of the file available in the window; returns their offset in it. */
  private int fill(long at, int len) throws IOException {
    if (at >= windowStart && at + len <= windowStart + windowLength) {
      return (int) (at - windowStart);
    }
    int want = (int) Math.min(Math.max(len, WINDOW_BYTES), size - at);
    if (window.length < want) {
      window = new byte[want];
    }
    file.read(at, window, 0, want);
    windowStart = at;
    windowLength = want;
    return 0;
  }
}
