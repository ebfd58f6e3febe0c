package dev.chora.actors.storage;

import dev.chora.actors.StorageSettings;
import dev.chora.runtime.config.ChoraConfig;

/** Opens a durable replica's data directory. PLACEHOLDER until ReplicaStore is merged. */
public final class DataDirectoryOpener {
  private DataDirectoryOpener() {}

  public static OpenedStore open(StorageSettings settings, ChoraConfig protocol, int replicaId) {
    throw new StorageOpenException("not wired yet", null);
  }
}
