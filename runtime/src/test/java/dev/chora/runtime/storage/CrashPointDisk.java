package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A {@link SimDisk} that crashes at a chosen write operation (the n-th create, append, force,
 * truncate, rename, delete or directory sync from now): the operation does not happen, the disk
 * crashes, and the caller gets an exception, as a process would die in the middle of a store's
 * write. Trying every n covers every point where a crash can interrupt a write.
 */
final class CrashPointDisk implements Disk {
  /** Thrown where the simulated machine died. */
  static final class Crashed extends IOException {
    private static final long serialVersionUID = 1L;

    Crashed() {
      super("simulated crash");
    }
  }

  private final SimDisk disk;
  private int untilCrash;

  CrashPointDisk(SimDisk disk, int crashAtOperation) {
    this.disk = disk;
    this.untilCrash = crashAtOperation;
  }

  /** Whether the crash point is still ahead (the interrupted work completed without it). */
  boolean crashPending() {
    return untilCrash > 0;
  }

  private void step() throws Crashed {
    if (untilCrash > 0 && --untilCrash == 0) {
      disk.crash();
      throw new Crashed();
    }
  }

  @Override
  public String location() {
    return disk.location();
  }

  @Override
  public List<String> list() {
    return disk.list();
  }

  @Override
  public boolean exists(String name) {
    return disk.exists(name);
  }

  @Override
  public DiskFile create(String name) throws IOException {
    step();
    return new File(disk.create(name));
  }

  @Override
  public DiskFile open(String name) throws IOException {
    return new File(disk.open(name));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    step();
    disk.rename(from, to);
  }

  @Override
  public boolean delete(String name) throws IOException {
    step();
    return disk.delete(name);
  }

  @Override
  public void syncDirectory() throws IOException {
    step();
    disk.syncDirectory();
  }

  @Override
  public Closeable lock() throws IOException {
    return disk.lock();
  }

  private final class File implements DiskFile {
    private final DiskFile file;

    File(DiskFile file) {
      this.file = file;
    }

    @Override
    public String name() {
      return file.name();
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public void append(byte[] src, int off, int len) throws IOException {
      step();
      file.append(src, off, len);
    }

    @Override
    public void read(long position, byte[] dst, int off, int len) throws IOException {
      file.read(position, dst, off, len);
    }

    @Override
    public void force() throws IOException {
      step();
      file.force();
    }

    @Override
    public void truncate(long size) throws IOException {
      step();
      file.truncate(size);
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
