package dev.chora.runtime.storage;

/**
 * What the log remembers of one segment file without reading it: its name, the indexes it spans
 * and its length. Segments other than the last hold at least one record each and are complete
 * and synced (the log syncs a segment before it starts the next), which is why damage there can
 * never be a torn write.
 */
final class Segment {
  final String name;
  final long firstIndex;
  final long prevIndex;
  /** The last record's index; {@link #prevIndex} while the segment has no record yet. */
  long lastIndex;
  /** Bytes in the file plus, for the last segment, those still in the log's write buffer. */
  long size;

  Segment(String name, long firstIndex, long prevIndex, long lastIndex, long size) {
    this.name = name;
    this.firstIndex = firstIndex;
    this.prevIndex = prevIndex;
    this.lastIndex = lastIndex;
    this.size = size;
  }
}
