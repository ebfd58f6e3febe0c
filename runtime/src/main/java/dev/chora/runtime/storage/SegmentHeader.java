package dev.chora.runtime.storage;

/**
 * The header at the start of every segment file (big-endian):
 * <pre>
 *   0  int   magic "CHLG"
 *   4  int   format version
 *   8  long  firstIndex: the index of the segment's first record (also in the file's name)
 *  16  long  prevIndex: the index of the last record before this segment, 0 if none
 *  24  int   CRC32C of bytes 0..23
 * </pre>
 * The prevIndex chains segments: on open, each segment's prevIndex must equal the previous
 * segment's last index, so a segment lost from the middle (a deleted file, a bad copy) is refused
 * rather than replayed as a log with a hole. A reader refuses a version it does not know.
 *
 * @param firstIndex the first record's index
 * @param prevIndex  the last index before this segment, 0 if none
 */
record SegmentHeader(long firstIndex, long prevIndex) {
  static final int BYTES = 28;
  static final int MAGIC = 0x43484C47;
  static final int VERSION = 1;

  private static final String PREFIX = "log-";
  private static final String SUFFIX = ".seg";

  byte[] encode() {
    byte[] b = new byte[BYTES];
    Bytes.putInt(b, 0, MAGIC);
    Bytes.putInt(b, 4, VERSION);
    Bytes.putLong(b, 8, firstIndex);
    Bytes.putLong(b, 16, prevIndex);
    Bytes.putInt(b, 24, Crc.of(b, 0, 24));
    return b;
  }

  /** What is wrong with these header bytes, or null if nothing is. */
  static String problem(byte[] b) {
    if (Bytes.getInt(b, 24) != Crc.of(b, 0, 24)) {
      return "segment header checksum mismatch";
    }
    if (Bytes.getInt(b, 0) != MAGIC) {
      return "not a Chora log segment (bad magic)";
    }
    if (Bytes.getInt(b, 4) != VERSION) {
      return "segment format version " + Bytes.getInt(b, 4) + " is not the supported " + VERSION;
    }
    return null;
  }

  static SegmentHeader decode(byte[] b) {
    return new SegmentHeader(Bytes.getLong(b, 8), Bytes.getLong(b, 16));
  }

  /** "log-" and the first index in 20 digits, so that names sort in index order. */
  static String fileName(long firstIndex) {
    return IndexedFileName.of(PREFIX, firstIndex, SUFFIX);
  }

  /** The first index a segment file's name gives, or -1 if the name is not a segment's. */
  static long parseFileName(String name) {
    return IndexedFileName.parse(name, PREFIX, SUFFIX);
  }
}
