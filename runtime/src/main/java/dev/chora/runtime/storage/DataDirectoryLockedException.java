package dev.chora.runtime.storage;

import java.io.IOException;

/**
 * Another process (or another replica in this JVM) holds the data directory's lock. Two replicas
 * appending to one log would interleave records and break every invariant of the log, so the
 * second one fails at once, naming the directory and, when it wrote it, the holder's pid.
 */
public final class DataDirectoryLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataDirectoryLockedException(String message) {
    super(message);
  }
}
