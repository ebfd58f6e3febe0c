package dev.chora.runtime.storage;

import java.io.IOException;
import java.util.Optional;

/**
 * The replica's small durable state beside the log: what Viewstamped Replication must not forget
 * once it has disks (the view it promised, its last normal view, what its DoViewChange carried),
 * as opaque bytes the core encodes. Each {@link #write} replaces the whole value atomically and is
 * durable when it returns, so the core may send the message that depends on it right after.
 *
 * <p>One file, {@value #FILE}, in the {@link ChecksummedFile} format: written to a temporary
 * file, synced, renamed over, directory synced. On a crash mid-write the two copies behave as
 * follows: the stored file is never written in place, so it is the previous value, whole, until
 * the rename; the temporary file may be whole or torn and is never read, and {@link #open}
 * deletes it. A crash between the rename and the directory sync may leave either value; the write
 * had not returned, so nothing was sent that depends on the new one. The checksum on read catches
 * later damage, which is refused ({@link CorruptStorageException}): a replica that forgot a
 * promise could vote twice in one view.
 */
public final class MetadataStore {
  public static final String FILE = "view-state";
  private static final int MAGIC = 0x4348_5653;

  private final Disk disk;
  private final int maxBytes;
  private byte[] value;
  private long writes;

  private MetadataStore(Disk disk, int maxBytes) {
    this.disk = disk;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens the store, reading and verifying the stored value if there is one.
   *
   * @param maxBytes the largest value accepted, on write and on read
   */
  public static MetadataStore open(Disk disk, int maxBytes) throws IOException {
    MetadataStore store = new MetadataStore(disk, maxBytes);
    ChecksummedFile.deleteLeftover(disk, FILE);
    if (disk.exists(FILE)) {
      ChecksummedFile.Contents contents = ChecksummedFile.read(disk, FILE, MAGIC, maxBytes);
      store.value = contents.payload();
      store.writes = contents.number();
    }
    return store;
  }

  /** The stored value; empty on a first start, before any write. */
  public Optional<byte[]> read() {
    return Optional.ofNullable(value == null ? null : value.clone());
  }

  /** Replaces the stored value, durably, before returning. */
  public void write(byte[] newValue) throws IOException {
    if (newValue.length > maxBytes) {
      throw new IllegalArgumentException("metadata of " + newValue.length + " bytes exceeds the bound of " + maxBytes);
    }
    ChecksummedFile.write(disk, FILE, MAGIC, writes + 1, newValue);
    writes++;
    value = newValue.clone();
  }

  /** Writes since the directory was first used (stored with the value, to tell versions apart). */
  public long writes() {
    return writes;
  }
}
