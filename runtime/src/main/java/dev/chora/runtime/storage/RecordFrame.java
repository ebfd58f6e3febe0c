package dev.chora.runtime.storage;

import java.util.zip.CRC32C;

/**
 * How a record is framed in a segment (big-endian):
 * <pre>
 *   0  int   payload length
 *   4  int   CRC32C of bytes 0..3 and 8..end (length, index, type and payload)
 *   8  long  index
 *  16  byte  type
 *  17  ...   payload
 * </pre>
 * The checksum covers the length too, so a flipped length is caught rather than read as a frame
 * of another size; it covers the index, so a record copied to the wrong place is caught by the
 * order check. There is no padding: frames follow each other byte for byte.
 */
final class RecordFrame {
  static final int HEADER_BYTES = 17;

  private RecordFrame() {}

  /** Writes the frame's header at {@code off}; the payload must follow it at {@code off + 17}. */
  static void writeHeader(byte[] dst, int off, long index, int type, byte[] payload) {
    Bytes.putInt(dst, off, payload.length);
    Bytes.putLong(dst, off + 8, index);
    dst[off + 16] = (byte) type;
    CRC32C crc = new CRC32C();
    crc.update(dst, off, 4);
    crc.update(dst, off + 8, HEADER_BYTES - 8);
    crc.update(payload, 0, payload.length);
    Bytes.putInt(dst, off + 4, (int) crc.getValue());
  }

  static int length(byte[] frame, int off) {
    return Bytes.getInt(frame, off);
  }

  static long index(byte[] frame, int off) {
    return Bytes.getLong(frame, off + 8);
  }

  static int type(byte[] frame, int off) {
    return frame[off + 16] & 0xFF;
  }

  /** Whether the whole frame at {@code off} (header and the payload after it) matches its checksum. */
  static boolean checksumMatches(byte[] frame, int off) {
    int length = length(frame, off);
    CRC32C crc = new CRC32C();
    crc.update(frame, off, 4);
    crc.update(frame, off + 8, HEADER_BYTES - 8 + length);
    return (int) crc.getValue() == Bytes.getInt(frame, off + 4);
  }
}
