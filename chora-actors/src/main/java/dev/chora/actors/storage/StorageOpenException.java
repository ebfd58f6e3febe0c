package dev.chora.actors.storage;

/**
 * A durable replica's data directory could not be opened or read: locked by another process,
 * damaged, not writable. The replica does not start; the message says which directory and why (the
 * storage layer's own words, e.g. "data directory /d is locked by another process (pid 1234, lock
 * file /d/LOCK)").
 */
public final class StorageOpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
