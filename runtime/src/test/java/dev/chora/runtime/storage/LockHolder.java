package dev.chora.runtime.storage;

import java.io.Closeable;
import java.nio.file.Path;

/**
 * A second process for {@link FileDiskTest}: locks the data directory given as its argument,
 * prints "locked", and holds the lock until its standard input closes.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    Closeable lock = FileDisk.open(Path.of(args[0])).lock();
    System.out.println("locked");
    System.out.flush();
    while (System.in.read() >= 0) {
      // Hold the lock until the parent closes the pipe.
    }
    lock.close();
  }
}
