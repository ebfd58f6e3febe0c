package dev.chora.runtime.storage;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * A whole small file written atomically and read back verified, for the metadata and snapshot
 * stores (big-endian):
 * <pre>
 *   0  int   magic (one per kind of file)
 *   4  int   format version
 *   8  long  a number the store gives the contents (a write count, a snapshot's index)
 *  16  int   payload length
 *  20  int   CRC32C of bytes 0..19 and of the payload
 *  24  ...   payload
 * </pre>
 *
 * <p>Writing: the contents go to {@code name + ".tmp"}, which is synced, then renamed over
 * {@code name}, then the directory is synced. The file named {@code name} therefore only ever
 * holds a complete, synced version, old or new:
 * <ul>
 *   <li>a crash before the rename leaves the old file untouched and a temporary file, whole or
 *       torn, which is never read and is deleted by the next write or {@link #deleteLeftover};</li>
 *   <li>a crash after the rename but before the directory sync leaves either name state; both
 *       files were synced before the rename, so whichever the name points at is whole;</li>
 *   <li>the writer returns only after the directory sync, so a caller that acts on a write (sends
 *       the message that depends on it) never sees it undone.</li>
 * </ul>
 * The checksum on read catches what the rename cannot: damage to the stored bytes later.
 */
final class ChecksummedFile {
  static final int HEADER_BYTES = 24;
  static final int VERSION = 1;
  static final String TEMP_SUFFIX = ".tmp";

  /** A verified file's number and payload. */
  record Contents(long number, byte[] payload) {}

  private ChecksummedFile() {}

  static void write(Disk disk, String name, int magic, long number, byte[] payload) throws IOException {
    String temp = name + TEMP_SUFFIX;
    disk.delete(temp);
    byte[] header = new byte[HEADER_BYTES];
    Bytes.putInt(header, 0, magic);
    Bytes.putInt(header, 4, VERSION);
    Bytes.putLong(header, 8, number);
    Bytes.putInt(header, 16, payload.length);
    CRC32C crc = new CRC32C();
    crc.update(header, 0, 20);
    crc.update(payload, 0, payload.length);
    Bytes.putInt(header, 20, (int) crc.getValue());
    try (DiskFile file = disk.create(temp)) {
      file.append(header, 0, header.length);
      file.append(payload, 0, payload.length);
      file.force();
    }
    disk.rename(temp, name);
    disk.syncDirectory();
  }

  /**
   * Reads and verifies {@code name}; throws {@link CorruptStorageException} if its length, magic,
   * version or checksum is wrong, and refuses a payload above {@code maxBytes} before reading it.
   */
  static Contents read(Disk disk, String name, int magic, long maxBytes) throws IOException {
    try (DiskFile file = disk.open(name)) {
      long size = file.size();
      if (size < HEADER_BYTES) {
        throw corrupt(disk, name, 0, "file of " + size + " bytes is shorter than its header");
      }
      byte[] header = new byte[HEADER_BYTES];
      file.read(0, header, 0, HEADER_BYTES);
      int length = Bytes.getInt(header, 16);
      if (Bytes.getInt(header, 0) != magic) {
        throw corrupt(disk, name, 0, "bad magic");
      }
      if (Bytes.getInt(header, 4) != VERSION) {
        throw corrupt(disk, name, 4, "format version " + Bytes.getInt(header, 4) + " is not the supported " + VERSION);
      }
      if (length < 0 || length > maxBytes || length != size - HEADER_BYTES) {
        throw corrupt(disk, name, 16, "payload length " + length + " does not fit the file's " + size
            + " bytes (or the bound of " + maxBytes + ")");
      }
      byte[] payload = new byte[length];
      file.read(HEADER_BYTES, payload, 0, length);
      CRC32C crc = new CRC32C();
      crc.update(header, 0, 20);
      crc.update(payload, 0, length);
      if ((int) crc.getValue() != Bytes.getInt(header, 20)) {
        throw corrupt(disk, name, 20, "checksum mismatch");
      }
      return new Contents(Bytes.getLong(header, 8), payload);
    }
  }

  /** Deletes a temporary file a crash left before its rename; it was never the stored version. */
  static void deleteLeftover(Disk disk, String name) throws IOException {
    disk.delete(name + TEMP_SUFFIX);
  }

  private static CorruptStorageException corrupt(Disk disk, String name, long offset, String detail) {
    return new CorruptStorageException(disk.location(), name, offset, CorruptStorageException.NO_INDEX, detail);
  }
}
