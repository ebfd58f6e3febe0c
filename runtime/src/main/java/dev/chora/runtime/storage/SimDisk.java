package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The deterministic simulator's disk: in memory, no clock and no threads, every choice drawn from
 * its seed, so that a seed replays a run's disk faults bit for bit. It keeps, per file, what is
 * durable apart from what was only written, and per directory the entries as of the last
 * {@link #syncDirectory()} plus the operations since, so that {@link #crash()} can lose exactly
 * what a real machine may lose under the {@link Disk} contract, and no more:
 * <ul>
 *   <li>each file keeps its forced bytes and a random prefix of those written after (none, all,
 *       or a cut anywhere: the tear), and now and then the last few surviving bytes are garbage,
 *       as when a sector was half written; an unforced truncation is undone;</li>
 *   <li>the directory keeps a random prefix of the creations, renames and deletions since its
 *       last sync, in order (an ordered journal); a file whose creation is lost vanishes;</li>
 *   <li>handles opened before the crash are dead (the process died with them) and the lock is
 *       free.</li>
 * </ul>
 * Other faults: a bit flip in a stored file ({@link #flipBit}), which the next read finds;
 * failing syncs ({@link #failNextSyncs}); a capacity, beyond which an append writes what fits and
 * fails with {@link StorageUnwritableException.Kind#DISK_FULL}; a read-only switch; and {@link
 * #nextSyncLatencyNanos()}, which the simulator asks how long the sync it is starting takes and
 * completes it that much later in simulated time (the disk itself makes data durable at the call
 * to {@link DiskFile#force()}, so the simulator calls it when the sync completes).
 */
public final class SimDisk implements Disk {
  private final String name;
  private final SplittableRandom random;
  private final SplittableRandom latencyRandom;
  private final SyncLatency latency;
  private TreeMap<String, Inode> current = new TreeMap<>();
  private TreeMap<String, Inode> durable = new TreeMap<>();
  private final List<DirOp> pending = new ArrayList<>();
  private long capacityBytes = Long.MAX_VALUE;
  private boolean readOnly;
  private int failingSyncs;
  private int epoch;
  private boolean locked;
  private long forces;
  private long directorySyncs;
  private long bytesWritten;

  /**
   * @param name    the disk's name in messages (say, "replica-2")
   * @param seed    every random choice of this disk derives from it
   * @param latency the distribution {@link #nextSyncLatencyNanos()} draws from
   */
  public SimDisk(String name, long seed, SyncLatency latency) {
    this.name = name;
    this.random = new SplittableRandom(seed);
    // A stream of its own, so that asking for latencies does not change which crashes tear what.
    this.latencyRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    this.latency = latency;
  }

  @Override
  public String location() {
    return "sim-disk:" + name;
  }

  // ---- faults ----

  /**
   * The machine loses power: everything not durable is lost as described in the class comment.
   * Handles opened before become unusable; the lock is released.
   */
  public void crash() {
    epoch++;
    locked = false;
    int kept = pending.isEmpty() ? 0 : random.nextInt(pending.size() + 1);
    TreeMap<String, Inode> survived = new TreeMap<>(durable);
    for (int i = 0; i < kept; i++) {
      pending.get(i).apply(survived);
    }
    pending.clear();
    for (Inode inode : survived.values()) {
      inode.crash(random);
    }
    current = survived;
    durable = new TreeMap<>(survived);
  }

  /** Flips one bit of a stored file (in its durable bytes too): a latent media error. */
  public void flipBit(String file, long bit) throws IOException {
    Inode inode = inode(file);
    if (bit < 0 || bit >= 8L * inode.length) {
      throw new IllegalArgumentException("bit " + bit + " is outside " + file + " (" + inode.length + " bytes)");
    }
    inode.flip((int) (bit >>> 3), 1 << (int) (bit & 7));
  }

  /** Flips a random bit of a stored file and returns its byte offset; the file must not be empty. */
  public long flipRandomBit(String file) throws IOException {
    Inode inode = inode(file);
    if (inode.length == 0) {
      throw new IllegalArgumentException(file + " is empty");
    }
    long bit = random.nextLong(8L * inode.length);
    flipBit(file, bit);
    return bit >>> 3;
  }

  /** Appends beyond this many bytes in all files write what fits, then fail with DISK_FULL. */
  public void setCapacityBytes(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  /** While set, every write (append, create, rename, delete, truncate) fails with NOT_WRITABLE. */
  public void setReadOnly(boolean readOnly) {
    this.readOnly = readOnly;
  }

  /**
   * The next {@code count} file syncs fail with {@link StorageUnwritableException.Kind#SYNC_FAILED}
   * and make nothing durable, as an fsync that hit an I/O error.
   */
  public void failNextSyncs(int count) {
    this.failingSyncs = count;
  }

  /** How long the sync the simulator is starting takes, drawn from the {@link SyncLatency}. */
  public long nextSyncLatencyNanos() {
    return latency.draw(latencyRandom);
  }

  // ---- figures ----

  public long usedBytes() {
    long used = 0;
    for (Inode inode : current.values()) {
      used += inode.length;
    }
    return used;
  }

  public long forces() {
    return forces;
  }

  public long directorySyncs() {
    return directorySyncs;
  }

  public long bytesWritten() {
    return bytesWritten;
  }

  // ---- Disk ----

  @Override
  public List<String> list() {
    return new ArrayList<>(current.keySet());
  }

  @Override
  public boolean exists(String file) {
    return current.containsKey(file);
  }

  @Override
  public DiskFile create(String file) throws IOException {
    checkWritable("creating " + file);
    if (current.containsKey(file)) {
      throw new FileAlreadyExistsException(location() + "/" + file);
    }
    Inode inode = new Inode();
    DirOp op = dir -> dir.put(file, inode);
    op.apply(current);
    pending.add(op);
    return new SimFile(file, inode);
  }

  @Override
  public DiskFile open(String file) throws IOException {
    return new SimFile(file, inode(file));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    checkWritable("renaming " + from);
    inode(from);
    DirOp op = dir -> {
      Inode moved = dir.remove(from);
      if (moved != null) {
        dir.put(to, moved);
      }
    };
    op.apply(current);
    pending.add(op);
  }

  @Override
  public boolean delete(String file) throws IOException {
    if (!current.containsKey(file)) {
      return false;
    }
    checkWritable("deleting " + file);
    DirOp op = dir -> dir.remove(file);
    op.apply(current);
    pending.add(op);
    return true;
  }

  @Override
  public void syncDirectory() {
    directorySyncs++;
    pending.clear();
    durable = new TreeMap<>(current);
  }

  @Override
  public Closeable lock() throws IOException {
    if (locked) {
      throw new DataDirectoryLockedException("data directory " + location() + " is locked by another replica");
    }
    locked = true;
    int lockEpoch = epoch;
    return () -> {
      if (epoch == lockEpoch) {
        locked = false;
      }
    };
  }

  private Inode inode(String file) throws NoSuchFileException {
    Inode inode = current.get(file);
    if (inode == null) {
      throw new NoSuchFileException(location() + "/" + file);
    }
    return inode;
  }

  private void checkWritable(String doing) throws StorageUnwritableException {
    if (readOnly) {
      throw new StorageUnwritableException(StorageUnwritableException.Kind.NOT_WRITABLE, location(), doing, null);
    }
  }

  /** A directory operation, kept until the next directory sync so that a crash can undo it. */
  private interface DirOp {
    void apply(TreeMap<String, Inode> dir);
  }

  /**
   * A file's bytes. Bytes [0, durableLength) of {@code data} are durable, unless an unforced
   * truncation cut into them: then {@code durableCopy} holds the durable content, since appends
   * after the truncation overwrite the old bytes in {@code data}.
   */
  private static final class Inode {
    byte[] data = new byte[64];
    int length;
    int durableLength;
    byte[] durableCopy;

    void append(byte[] src, int off, int len) {
      if (length + len > data.length) {
        data = Arrays.copyOf(data, Math.max(length + len, 2 * data.length));
      }
      System.arraycopy(src, off, data, length, len);
      length += len;
    }

    void truncate(int size) {
      if (size < durableLength && durableCopy == null) {
        durableCopy = Arrays.copyOf(data, durableLength);
      }
      length = Math.min(length, size);
    }

    void force() {
      durableCopy = null;
      durableLength = length;
    }

    void flip(int offset, int mask) {
      data[offset] ^= (byte) mask;
      if (durableCopy != null && offset < durableCopy.length) {
        durableCopy[offset] ^= (byte) mask;
      }
    }

    void crash(SplittableRandom random) {
      if (durableCopy != null) {
        data = durableCopy;
        length = durableCopy.length;
      } else {
        int unsynced = length - durableLength;
        int kept;
        switch (unsynced == 0 ? 0 : random.nextInt(3)) {
          case 0:
            kept = 0;
            break;
          case 1:
            kept = unsynced;
            break;
          default:
            kept = random.nextInt(unsynced + 1);
        }
        length = durableLength + kept;
        if (kept > 0 && random.nextInt(4) == 0) {
          int garbage = 1 + random.nextInt(Math.min(kept, 16));
          for (int i = length - garbage; i < length; i++) {
            data[i] = (byte) random.nextInt(256);
          }
        }
      }
      durableCopy = null;
      durableLength = length;
    }
  }

  private final class SimFile implements DiskFile {
    private final String file;
    private final Inode inode;
    private final int openedIn;
    private boolean closed;

    SimFile(String file, Inode inode) {
      this.file = file;
      this.inode = inode;
      this.openedIn = epoch;
    }

    private void check() {
      if (closed) {
        throw new IllegalStateException(location() + "/" + file + " is closed");
      }
      if (openedIn != epoch) {
        throw new IllegalStateException(location() + "/" + file + " was opened before a crash");
      }
    }

    @Override
    public String name() {
      return file;
    }

    @Override
    public long size() {
      check();
      return inode.length;
    }

    @Override
    public void append(byte[] src, int off, int len) throws IOException {
      check();
      checkWritable("appending to " + file);
      long room = capacityBytes - usedBytes();
      if (len > room) {
        int fits = (int) Math.max(0, room);
        inode.append(src, off, fits);
        bytesWritten += fits;
        throw new StorageUnwritableException(StorageUnwritableException.Kind.DISK_FULL, location(),
            "appending " + len + " bytes to " + file + ", " + fits + " fitted", null);
      }
      inode.append(src, off, len);
      bytesWritten += len;
    }

    @Override
    public void read(long position, byte[] dst, int off, int len) throws IOException {
      check();
      if (position < 0 || position + len > inode.length) {
        throw new EOFException(location() + "/" + file + ": " + len + " bytes at " + position + " go past the end (" + inode.length + ")");
      }
      System.arraycopy(inode.data, (int) position, dst, off, len);
    }

    @Override
    public void force() throws StorageUnwritableException {
      check();
      if (failingSyncs > 0) {
        failingSyncs--;
        throw new StorageUnwritableException(StorageUnwritableException.Kind.SYNC_FAILED, location(), "syncing " + file, null);
      }
      forces++;
      inode.force();
    }

    @Override
    public void truncate(long size) throws IOException {
      check();
      checkWritable("truncating " + file);
      inode.truncate((int) Math.min(size, Integer.MAX_VALUE));
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
