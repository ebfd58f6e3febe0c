package dev.chora.runtime.storage;

/**
 * The log's bounds. Every one is a bound on memory or disk use: no record above {@code
 * maxRecordBytes} is accepted, so replay never allocates more than that for a record; a segment
 * never grows past {@code segmentBytes}, so {@link SegmentedLog#truncatePrefix} frees space in
 * steps of that size; appends are gathered in {@code writeBufferBytes} before they go to the file,
 * so a group commit is one write and one sync rather than one write per record.
 *
 * @param segmentBytes     a segment rolls over before it would exceed this
 * @param maxRecordBytes   the largest payload {@link SegmentedLog#append} accepts
 * @param writeBufferBytes appended frames gathered in memory before a write to the file
 * @param verifyChecksums  always true, except for the simulator's mutation test that shows what
 *                         trusting a record whose checksum fails would let through
 */
public record LogOptions(long segmentBytes, int maxRecordBytes, int writeBufferBytes, boolean verifyChecksums) {
  /** 64 MiB segments, records up to 4 MiB, a 256 KiB write buffer. */
  public static final LogOptions DEFAULTS = new LogOptions(64L << 20, 4 << 20, 256 << 10);

  /** Checksums verified, as they always must be. */
  public LogOptions(long segmentBytes, int maxRecordBytes, int writeBufferBytes) {
    this(segmentBytes, maxRecordBytes, writeBufferBytes, true);
  }

  /** These options with checksums not verified: the simulator's TRUST_BAD_CHECKSUM mutation only. */
  public LogOptions trustingChecksums() {
    return new LogOptions(segmentBytes, maxRecordBytes, writeBufferBytes, false);
  }

  public LogOptions {
    if (maxRecordBytes < 0) {
      throw new IllegalArgumentException("max-record-bytes must not be negative: " + maxRecordBytes);
    }
    long least = SegmentHeader.BYTES + RecordFrame.HEADER_BYTES + (long) maxRecordBytes;
    if (segmentBytes < least) {
      throw new IllegalArgumentException("segment-bytes " + segmentBytes + " cannot hold a record of max-record-bytes "
          + maxRecordBytes + " (needs at least " + least + ")");
    }
    if (writeBufferBytes < SegmentHeader.BYTES + RecordFrame.HEADER_BYTES) {
      throw new IllegalArgumentException("write-buffer-bytes " + writeBufferBytes + " is below the least, "
          + (SegmentHeader.BYTES + RecordFrame.HEADER_BYTES));
    }
  }
}
