package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@link Disk} over a real directory with {@link FileChannel}s. {@link DiskFile#force()} is
 * {@code fdatasync} ({@code force(false)}): it also persists the file's length, which is the only
 * metadata an appended log needs. The directory is synced by forcing a channel opened on it
 * (supported on Linux and macOS), which is what makes a created or renamed file's name durable.
 *
 * <p>Out-of-space and permission errors arrive from the JDK as plain {@link IOException}s whose
 * message is the operating system's; they are turned into {@link StorageUnwritableException}s here
 * so that the replica can tell "the disk is full" from a bug.
 */
public final class FileDisk implements Disk {
  /** The lock file's name; it holds the pid of the process that last locked the directory. */
  public static final String LOCK_FILE = "LOCK";

  private final Path dir;

  private FileDisk(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating if needed) the directory; fails if it is not a writable directory. */
  public static FileDisk open(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      if (Files.exists(abs)) {
        throw new StorageUnwritableException(StorageUnwritableException.Kind.NOT_WRITABLE, abs.toString(), "not a directory", null);
      }
      try {
        Files.createDirectories(abs);
      } catch (IOException e) {
        throw translate(e, abs.toString(), "creating the directory");
      }
    }
    if (!Files.isWritable(abs)) {
      throw new StorageUnwritableException(StorageUnwritableException.Kind.NOT_WRITABLE, abs.toString(), "no write permission", null);
    }
    return new FileDisk(abs);
  }

  public Path directory() {
    return dir;
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public List<String> list() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    return names;
  }

  @Override
  public boolean exists(String name) {
    return Files.exists(dir.resolve(name));
  }

  @Override
  public DiskFile create(String name) throws IOException {
    try {
      return new RealFile(name, FileChannel.open(dir.resolve(name),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw translate(e, location(), "creating " + name);
    }
  }

  @Override
  public DiskFile open(String name) throws IOException {
    try {
      return new RealFile(name, FileChannel.open(dir.resolve(name), StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw translate(e, location(), "opening " + name);
    }
  }

  @Override
  public void rename(String from, String to) throws IOException {
    try {
      Files.move(dir.resolve(from), dir.resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw translate(e, location(), "renaming " + from + " to " + to);
    }
  }

  @Override
  public boolean delete(String name) throws IOException {
    try {
      return Files.deleteIfExists(dir.resolve(name));
    } catch (IOException e) {
      throw translate(e, location(), "deleting " + name);
    }
  }

  @Override
  public void syncDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      throw new StorageUnwritableException(StorageUnwritableException.Kind.SYNC_FAILED, location(), "syncing the directory: " + e.getMessage(), e);
    }
  }

  /**
   * Locks {@value #LOCK_FILE} with {@link FileChannel#tryLock()} (an {@code fcntl} lock, released
   * by the kernel when the process dies, so a crash never leaves the directory locked) and writes
   * this process's pid into it for the next one's error message.
   */
  @Override
  public Closeable lock() throws IOException {
    Path lockPath = dir.resolve(LOCK_FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw translate(e, location(), "opening " + LOCK_FILE);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new DataDirectoryLockedException("data directory " + location() + " is already locked by this process (pid "
          + ProcessHandle.current().pid() + "): another replica in this JVM uses it");
    } catch (IOException e) {
      channel.close();
      throw translate(e, location(), "locking " + LOCK_FILE);
    }
    if (lock == null) {
      String holder = readHolder(channel);
      channel.close();
      throw new DataDirectoryLockedException("data directory " + location() + " is locked by another process ("
          + (holder.isEmpty() ? "pid unknown" : "pid " + holder) + ", lock file " + lockPath + ")");
    }
    try {
      byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      channel.force(false);
    } catch (IOException e) {
      channel.close();
      throw translate(e, location(), "writing " + LOCK_FILE);
    }
    return channel::close;
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(32);
    channel.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
  }

  /**
   * Maps the operating system's out-of-space and permission errors to {@link
   * StorageUnwritableException}; other errors pass through unchanged. The JDK reports ENOSPC and
   * EROFS only through the message text, hence the string tests.
   */
  static IOException translate(IOException e, String location, String doing) {
    if (e instanceof StorageUnwritableException) {
      return e;
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
      return new StorageUnwritableException(StorageUnwritableException.Kind.DISK_FULL, location, doing, e);
    }
    if (e instanceof AccessDeniedException || message.contains("Read-only file system")
        || (e instanceof FileSystemException && message.contains("Permission denied"))) {
      return new StorageUnwritableException(StorageUnwritableException.Kind.NOT_WRITABLE, location, doing + ": " + message, e);
    }
    return e;
  }

  private final class RealFile implements DiskFile {
    private final String name;
    private final FileChannel channel;
    private long size;

    RealFile(String name, FileChannel channel) throws IOException {
      this.name = name;
      this.channel = channel;
      this.size = channel.size();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void append(byte[] src, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(src, off, len);
      try {
        while (buf.hasRemaining()) {
          size += channel.write(buf, size);
        }
      } catch (IOException e) {
        throw translate(e, location(), "appending to " + name);
      }
    }

    @Override
    public void read(long position, byte[] dst, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
      long at = position;
      while (buf.hasRemaining()) {
        int n = channel.read(buf, at);
        if (n < 0) {
          throw new EOFException(location() + "/" + name + ": " + len + " bytes at " + position + " go past the end (" + size + ")");
        }
        at += n;
      }
    }

    @Override
    public void force() throws IOException {
      try {
        channel.force(false);
      } catch (IOException e) {
        throw new StorageUnwritableException(StorageUnwritableException.Kind.SYNC_FAILED, location(), "syncing " + name + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void truncate(long newSize) throws IOException {
      try {
        channel.truncate(newSize);
      } catch (IOException e) {
        throw translate(e, location(), "truncating " + name);
      }
      size = Math.min(size, newSize);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
